/*
 * Every checksum path against a plain reference: all lengths 0..4096 at all
 * start alignments 0..63, buffers that end (or start) at an unmapped page,
 * extreme data (all 0x00, all 0xff) and buffers large enough to overflow a
 * naive 32-bit sum or the SIMD kernels' 32-bit lanes. Paths this CPU lacks
 * are reported as skipped.
 */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS under -std=c11 */
#endif
#include <sys/mman.h>
#include <unistd.h>

#include "runner.h"
#include "sockcore.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t rng(void) { /* xorshift64: fixed seed, same data each run */
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

static void fill_random(unsigned char *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    p[i] = (unsigned char)(rng() >> 32);
}

/* What byte i of a message adds to the integer sum of its memory-order
 * 16-bit words: b or b * 256, by host byte order and the parity of i. */
static uint64_t byte_weight(size_t i) {
  static const unsigned char first[2] = {1, 0};
  uint16_t w;
  memcpy(&w, first, 2);
  return (i & 1) ? (w == 1 ? 256 : 1) : w;
}

/* The reference: the exact integer sum, byte by byte. */
static uint64_t ref_sum(const unsigned char *p, size_t n) {
  uint64_t s = 0;
  for (size_t i = 0; i < n; i++)
    s += p[i] * byte_weight(i);
  return s;
}

static uint32_t ref_fold(uint64_t s) {
  while (s >> 16)
    s = (s & 0xffff) + (s >> 16);
  return (uint32_t)s;
}

/* The accumulator a path must return for a message of n bytes from 0. */
static uint32_t ref_partial(uint64_t s, size_t n) {
  return ref_fold(s) | (uint32_t)(n & 1) << 31;
}

/* Paths this CPU runs; prints the others once as skipped. */
static int available_paths(sc_checksum_partial_fn fns[SC_CHECKSUM_PATH_COUNT]) {
  int count = 0;
  for (int p = 0; p < SC_CHECKSUM_PATH_COUNT; p++) {
    fns[p] = sc_checksum_path_fn((sc_checksum_path)p);
    if (fns[p] != NULL)
      count++;
    else
      printf("  skipped: path %s is not supported by this CPU\n",
             sc_checksum_path_name((sc_checksum_path)p));
  }
  return count;
}

static void check_all(sc_checksum_partial_fn fns[], const unsigned char *p,
                      size_t n, uint64_t s) {
  uint32_t want = ref_partial(s, n);
  for (int k = 0; k < SC_CHECKSUM_PATH_COUNT; k++) {
    if (fns[k] == NULL)
      continue;
    uint32_t got = fns[k](p, n, 0);
    if (got != want)
      SC_FAIL("path %s, len %zu, address %% 64 = %u: 0x%08x != 0x%08x",
              sc_checksum_path_name((sc_checksum_path)k), n,
              (unsigned)((uintptr_t)p % 64), got, want);
  }
  uint16_t whole = sc_checksum(p, n);
  if (whole != (uint16_t)~ref_fold(s))
    SC_FAIL("sc_checksum, len %zu: 0x%04x", n, whole);
}

/* Lengths 0..4096 at every start alignment 0..63 of a 64-aligned block,
 * with the reference sum extended one byte at a time. */
static void lengths_and_alignments(unsigned char fill) {
  sc_checksum_partial_fn fns[SC_CHECKSUM_PATH_COUNT];
  available_paths(fns);
  enum { MAX_LEN = 4096, ALIGNS = 64 };
  unsigned char *block = aligned_alloc(64, MAX_LEN + ALIGNS);
  ASSERT(block != NULL);
  if (fill == 0)
    fill_random(block, MAX_LEN + ALIGNS);
  else
    memset(block, fill, MAX_LEN + ALIGNS);
  for (size_t a = 0; a < ALIGNS; a++) {
    const unsigned char *p = block + a;
    uint64_t s = 0;
    for (size_t n = 0; n <= MAX_LEN; n++) {
      check_all(fns, p, n, s);
      if (n < MAX_LEN)
        s += p[n] * byte_weight(n);
    }
  }
  free(block);
}

SC_TEST(checksum_paths_all_lengths_random) { lengths_and_alignments(0); }
SC_TEST(checksum_paths_all_lengths_ff) { lengths_and_alignments(0xff); }

/*
 * A page of data between two PROT_NONE pages: a kernel that reads one byte
 * before or after its buffer dies with SIGSEGV. The memory comes from mmap,
 * which AddressSanitizer does not track, so it is safe under ASan.
 */
SC_TEST(checksum_paths_guard_pages) {
  sc_checksum_partial_fn fns[SC_CHECKSUM_PATH_COUNT];
  available_paths(fns);
  size_t page = (size_t)sysconf(_SC_PAGESIZE);
  unsigned char *map = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT(map != MAP_FAILED);
  unsigned char *data = map + page;
  ASSERT_EQ(mprotect(map, page, PROT_NONE), 0);
  ASSERT_EQ(mprotect(data + page, page, PROT_NONE), 0);
  fill_random(data, page);
  size_t max = page < 4096 ? page : 4096;
  for (size_t n = 0; n <= max; n++) {
    const unsigned char *end_at_guard = data + page - n;
    check_all(fns, end_at_guard, n, ref_sum(end_at_guard, n));
    check_all(fns, data, n, ref_sum(data, n)); /* starts after a guard */
  }
  munmap(map, 3 * page);
}

/* Large buffers: past 128 KiB a 32-bit sum of 0xffff words overflows, past
 * 1 MiB the SIMD kernels flush their 32-bit lanes. */
static void large(unsigned char pattern) {
  sc_checksum_partial_fn fns[SC_CHECKSUM_PATH_COUNT];
  available_paths(fns);
  static const size_t sizes[] = {
      128 * 1024,      128 * 1024 + 1, 200 * 1024 + 77,
      1024 * 1024,     2 * 1024 * 1024 + 63, 5 * 1024 * 1024 + 3,
      8 * 1024 * 1024 + 130,
  };
  size_t max = 8 * 1024 * 1024 + 256;
  unsigned char *buf = malloc(max);
  ASSERT(buf != NULL);
  for (size_t i = 0; i < max; i++) {
    switch (pattern) {
    case 'r': buf[i] = (unsigned char)(rng() >> 40); break;
    case 'z': buf[i] = 0x00; break;
    case 'f': buf[i] = 0xff; break;
    default: buf[i] = (i & 2) ? 0xff : 0x00; break; /* words 0000 ffff ... */
    }
  }
  for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++)
    for (size_t off = 0; off < 3; off++)
      check_all(fns, buf + off, sizes[k], ref_sum(buf + off, sizes[k]));
  free(buf);
}

SC_TEST(checksum_paths_large_random) { large('r'); }
SC_TEST(checksum_paths_large_zero) { large('z'); }
SC_TEST(checksum_paths_large_ff) { large('f'); }
SC_TEST(checksum_paths_large_alternating) { large('a'); }
