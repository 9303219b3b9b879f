/*
 * Benchmark-only C kernels, the yardsticks for the checksum benchmark. Not
 * part of the library: nothing here is tuned to look good or bad.
 */
#ifndef SOCKBENCH_H
#define SOCKBENCH_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * RFC 1071 section 4.1's loop as printed: 16-bit words added into a 32-bit
 * sum, the odd byte, fold, complement. Plain C, compiled normally. Like the
 * original its 32-bit sum wraps past about 128 KiB of 0xff bytes, so it is
 * a speed baseline, not a correct checksum of large buffers.
 */
uint16_t sb_checksum_textbook(const void *buf, size_t len);

/*
 * The same loop with clang's vectorizer off for it (clang -O2 vectorizes the
 * one above with SSE2): the scalar loop as the RFC describes it.
 */
uint16_t sb_checksum_textbook_unvectorized(const void *buf, size_t len);

/*
 * A plain read of every byte: the sum of the buffer's 64-bit words with the
 * widest vector unit this CPU has (AVX-512, else AVX2, else scalar), chosen
 * once from CPUID. No checksum can read memory faster.
 */
uint64_t sb_read_limit(const void *buf, size_t len);

/* "avx512", "avx2" or "scalar": the unit sb_read_limit uses. */
const char *sb_read_limit_path(void);

/*
 * An empty out-of-line call with the kernels' signature: the floor under
 * every per-call figure.
 */
uint64_t sb_call_floor(const void *buf, size_t len);

/*
 * The core clock in GHz, from a chain of dependent adds (one per cycle);
 * about 20 ms. 0 where it cannot be measured (not x86-64).
 */
double sb_core_ghz(void);

#ifdef __cplusplus
}
#endif

#endif /* SOCKBENCH_H */
