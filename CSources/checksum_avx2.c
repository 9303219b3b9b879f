/*
 * The AVX2 checksum path.
 *
 * vpmaddwd multiplies signed 16-bit words and adds each pair into a 32-bit
 * lane, exactly. The words are unsigned, so each is first XORed with 0x8000,
 * which makes it read as the signed value w - 32768; the 32768 per word is
 * added back once at the end. A lane gains at most 65536 in magnitude per
 * vector, so the four 32-bit accumulators are summed into 64-bit lanes every
 * BLOCK_ITERATIONS iterations (4 * 8192 * 65536 = 2^31), before any can
 * overflow. The result is the exact integer sum of the words.
 *
 * Head: none needed, unaligned loads cost nothing extra on current cores.
 * Tail: the last 32 bytes are loaded again, ending exactly at the buffer's
 * end, with the bytes already summed masked to zero, so nothing outside the
 * buffer is ever read (a buffer may end at an unmapped page).
 */
#include "checksum_internal.h"

#if defined(SC__HAVE_X86_KERNELS)
#include <immintrin.h>

#define AVX2 __attribute__((target("avx2")))
#define BLOCK_ITERATIONS 8192 /* of 128 bytes: 1 MiB between flushes */

/* 32 zero bytes then 32 0xff bytes: the 32 bytes at tail_mask + n keep the
 * last n bytes of a vector. */
static const unsigned char tail_mask[64] = {
    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,
    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,
    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

/* Sums of adjacent words, each word taken as w - 32768. */
AVX2 static inline __m256i pair_sums(__m256i v) {
  const __m256i flip = _mm256_set1_epi16((short)0x8000);
  const __m256i ones = _mm256_set1_epi16(1);
  return _mm256_madd_epi16(_mm256_xor_si256(v, flip), ones);
}

AVX2 static inline __m256i load(const unsigned char *p) {
  return _mm256_loadu_si256((const __m256i *)(const void *)p);
}

/* Adds eight signed 32-bit lanes into four signed 64-bit lanes. */
AVX2 static inline __m256i widen_add(__m256i wide, __m256i lanes) {
  wide = _mm256_add_epi64(wide,
                          _mm256_cvtepi32_epi64(_mm256_castsi256_si128(lanes)));
  return _mm256_add_epi64(
      wide, _mm256_cvtepi32_epi64(_mm256_extracti128_si256(lanes, 1)));
}

AVX2 static inline int64_t sum_lanes64(__m256i v) {
  __m128i w = _mm_add_epi64(_mm256_castsi256_si128(v),
                            _mm256_extracti128_si256(v, 1));
  w = _mm_add_epi64(w, _mm_unpackhi_epi64(w, w));
  return _mm_cvtsi128_si64(w);
}

/* The sum of eight 32-bit lanes that add up within int32. */
AVX2 static inline int32_t sum_lanes32(__m256i v) {
  __m128i w = _mm_add_epi32(_mm256_castsi256_si128(v),
                            _mm256_extracti128_si256(v, 1));
  w = _mm_add_epi32(w, _mm_unpackhi_epi64(w, w));
  w = _mm_add_epi32(w, _mm_shuffle_epi32(w, 1));
  return _mm_cvtsi128_si32(w);
}

AVX2 uint64_t sc__raw_sum_avx2(const void *buf, size_t len) {
  const unsigned char *p = buf;
  if (len <= 64)
    return sc__raw_sum_short(p, len);

  uint64_t odd = (len & 1) ? sc__odd_byte(p[len - 1]) : 0;
  size_t n = len & ~(size_t)1;
  uint64_t vectors = 0; /* of 16 words, each owed 32768 */
  int64_t total = 0;    /* of the words taken as w - 32768 */

  if (n >= 128) {
    __m256i wide = _mm256_setzero_si256();
    do {
      size_t iters = n / 128;
      if (iters > BLOCK_ITERATIONS)
        iters = BLOCK_ITERATIONS;
      n -= iters * 128;
      vectors += iters * 4;
      __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
      do {
        a0 = _mm256_add_epi32(a0, pair_sums(load(p)));
        a1 = _mm256_add_epi32(a1, pair_sums(load(p + 32)));
        a2 = _mm256_add_epi32(a2, pair_sums(load(p + 64)));
        a3 = _mm256_add_epi32(a3, pair_sums(load(p + 96)));
        p += 128;
      } while (--iters);
      wide = widen_add(wide, _mm256_add_epi32(_mm256_add_epi32(a0, a1),
                                              _mm256_add_epi32(a2, a3)));
    } while (n >= 128);
    total = sum_lanes64(wide);
  }

  /* At most three whole vectors and a tail: lanes stay below 2^18, their
   * sum below 2^21, so 32 bits do. */
  __m256i a = _mm256_setzero_si256();
  for (; n >= 32; n -= 32, p += 32, vectors++)
    a = _mm256_add_epi32(a, pair_sums(load(p)));
  if (n) {
    __m256i v = _mm256_and_si256(load(p + n - 32), load(tail_mask + n));
    a = _mm256_add_epi32(a, pair_sums(v)); /* masked words count as 0 */
    vectors++;
  }
  total += sum_lanes32(a);

  /* The signed total plus the 32768 owed per word is the exact sum, >= 0;
   * unsigned arithmetic does the conversion without overflow. */
  return (uint64_t)total + (vectors << 19) + odd;
}

#else
/* ISO C wants at least one declaration in a translation unit. */
typedef int sc__checksum_avx2_unused;
#endif
