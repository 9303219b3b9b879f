/*
 * Internal interface between the checksum front end (checksum.c) and its
 * kernels (checksum_scalar.c, checksum_avx2.c, checksum_avx512.c).
 *
 * A kernel returns a 64-bit "raw sum" of a buffer that starts at an even
 * offset of the message: any value congruent modulo 0xffff to the integer sum
 * of the buffer's 16-bit memory-order words (an odd last byte padded with a
 * zero byte, RFC 1071 section 4.1), and zero exactly when that integer sum is
 * zero. Every fold below preserves both properties, so all kernels end in the
 * same 16-bit value, including the 0x0000 / 0xffff distinction of one's
 * complement "zero" (RFC 1071 section 2(A)).
 */
#ifndef SC_CHECKSUM_INTERNAL_H
#define SC_CHECKSUM_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sockcore.h"

typedef uint64_t (*sc__raw_sum_fn)(const void *buf, size_t len);

/* The kernels. The SIMD ones exist only on x86-64 and must be called only when
 * sc__cpu_features() reports what they need. */
uint64_t sc__raw_sum_scalar(const void *buf, size_t len);
#if defined(__x86_64__)
#define SC__HAVE_X86_KERNELS 1
uint64_t sc__raw_sum_avx2(const void *buf, size_t len);
uint64_t sc__raw_sum_avx512bw(const void *buf, size_t len);
uint64_t sc__raw_sum_avx512vnni(const void *buf, size_t len);
#endif

/* CPU features the kernels need, read once from CPUID and XGETBV. */
enum {
  SC__CPU_AVX2 = 1u << 0,        /* AVX2 and the OS saves YMM state */
  SC__CPU_AVX512BW = 1u << 1,    /* AVX-512 F+BW and the OS saves ZMM state */
  SC__CPU_AVX512VNNI = 1u << 2,  /* plus AVX-512 VNNI (vpdpwssd) */
};
unsigned sc__cpu_features(void);

/* One's complement fold of a raw sum to 0..0xffff (RFC 1071 section 4.1's
 * "fold 32-bit sum to 16 bits", from 64 bits). 0 only for 0.
 * Two end-around-carry additions instead of a chain of mask-shift-add steps:
 * 64 -> 32 bits with the carry added back, then the Linux csum_fold trick,
 * where the top half of s + rotate(s, 16) is hi + lo + the carry out of
 * lo + hi, which is the 16-bit end-around sum. */
static inline uint32_t sc__fold64(uint64_t x) {
  uint32_t lo = (uint32_t)x, hi = (uint32_t)(x >> 32);
  uint32_t s = lo + hi;
  s += s < lo; /* cannot carry again: s < lo means s <= 0xfffffffe */
  return (s + (s >> 16 | s << 16)) >> 16;
}

/*
 * Adds the raw sum of a piece of len bytes to a sc_checksum_partial()
 * accumulator. When the bytes before this piece were odd in number (bit 31),
 * the piece's words straddle the message's words, so its sum is byte-swapped
 * first (RFC 1071 section 2(B): the sum is byte-order independent, and a
 * rotation by 8 bits is multiplication by 256 modulo 0xffff). The result is
 * fully folded (0..0xffff, the same on every path) plus the new odd flag.
 */
static inline uint32_t sc__accumulate(uint32_t sum, uint64_t raw, size_t len) {
  uint32_t odd = sum >> 31;
  uint32_t piece = sc__fold64(raw);
  if (odd)
    piece = ((piece << 8) | (piece >> 8)) & 0xffffu;
  uint32_t folded = sc__fold64((uint64_t)(sum & 0x7fffffffu) + piece);
  return folded | ((odd ^ (uint32_t)(len & 1)) << 31);
}

/* The memory-order 16-bit word whose first byte is b and second byte 0: the
 * contribution of a message's odd last byte (RFC 1071 section 4.1). */
static inline uint64_t sc__odd_byte(unsigned char b) {
  unsigned char pair[2] = {b, 0};
  uint16_t w;
  memcpy(&w, pair, sizeof w);
  return w;
}

/* 64-bit add with end-around carry: 2^64 is 1 modulo 0xffff, so the carry
 * out of bit 63 goes back into bit 0 (what x86 "adc $0" does). */
static inline uint64_t sc__adc(uint64_t a, uint64_t b) {
  a += b;
  return a + (a < b);
}

/* Unaligned loads through memcpy: one mov on x86, and defined behaviour for
 * any alignment (UBSan's -fsanitize=alignment stays quiet). */
static inline uint64_t sc__load64(const unsigned char *p) {
  uint64_t v;
  memcpy(&v, p, sizeof v);
  return v;
}
static inline uint64_t sc__load32(const unsigned char *p) {
  uint32_t v;
  memcpy(&v, p, sizeof v);
  return v;
}
static inline uint64_t sc__load16(const unsigned char *p) {
  uint16_t v;
  memcpy(&v, p, sizeof v);
  return v;
}

/*
 * The raw sum of at most 64 bytes, in plain C. Every kernel and the front
 * end use it up to 64 bytes, so small calls pay no vector set-up (and, from
 * sc_checksum, no indirect call); measured faster than the AVX2 kernel there.
 * Straight-line code on the bits of len: clang turned a loop into slower SSE
 * code. A 64-bit or 32-bit memory-order load at an even offset is
 * congruent to the sum of its 16-bit words, since 2^16 is 1 modulo 0xffff.
 */
static inline uint64_t sc__raw_sum_short(const unsigned char *p, size_t len) {
  uint64_t a = 0, b = 0; /* two chains: half the latency */
  if (len & 64) { /* len == 64 */
    a = sc__adc(sc__adc(sc__load64(p), sc__load64(p + 8)),
                sc__adc(sc__load64(p + 16), sc__load64(p + 24)));
    b = sc__adc(sc__adc(sc__load64(p + 32), sc__load64(p + 40)),
                sc__adc(sc__load64(p + 48), sc__load64(p + 56)));
    p += 64;
  }
  if (len & 32) {
    a = sc__adc(sc__load64(p), sc__load64(p + 8));
    b = sc__adc(sc__load64(p + 16), sc__load64(p + 24));
    p += 32;
  }
  if (len & 16) {
    a = sc__adc(a, sc__load64(p));
    b = sc__adc(b, sc__load64(p + 8));
    p += 16;
  }
  if (len & 8) {
    a = sc__adc(a, sc__load64(p));
    p += 8;
  }
  if (len & 4) {
    b = sc__adc(b, sc__load32(p));
    p += 4;
  }
  if (len & 2) {
    a = sc__adc(a, sc__load16(p));
    p += 2;
  }
  if (len & 1)
    b = sc__adc(b, sc__odd_byte(*p));
  return sc__adc(a, b);
}

#endif /* SC_CHECKSUM_INTERNAL_H */
