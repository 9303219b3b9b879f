/*
 * The AVX-512 checksum paths: the technique of checksum_avx2.c on 64-byte
 * vectors (AVX-512 BW for the 16-bit XOR and vpmaddwd), and, where the CPU
 * has AVX-512 VNNI, vpdpwssd, which multiplies, adds pairs and accumulates
 * in one instruction. The tail is one masked load (AVX-512 masked loads do
 * not touch, and cannot fault on, the masked-off bytes).
 */
#include "checksum_internal.h"

#if defined(SC__HAVE_X86_KERNELS)
#include <immintrin.h>

#define AVX512BW __attribute__((target("avx512f,avx512bw")))
#define AVX512VNNI __attribute__((target("avx512f,avx512bw,avx512vnni")))
/* Four 32-bit accumulators summed must stay within int32: 4 * 8192 * 65536
 * is 2^31 (see checksum_avx2.c). 8192 iterations of 256 bytes: 2 MiB. */
#define BLOCK_ITERATIONS 8192

AVX512BW static inline __m512i load(const unsigned char *p) {
  return _mm512_loadu_si512((const void *)p);
}

/* Adds sixteen signed 32-bit lanes into eight signed 64-bit lanes. */
AVX512BW static inline __m512i widen_add(__m512i wide, __m512i lanes) {
  wide = _mm512_add_epi64(wide,
                          _mm512_cvtepi32_epi64(_mm512_castsi512_si256(lanes)));
  return _mm512_add_epi64(
      wide, _mm512_cvtepi32_epi64(_mm512_extracti64x4_epi64(lanes, 1)));
}

/* The words after the last full vector: n < 64 bytes, n even. */
AVX512BW static inline __m512i load_tail(const unsigned char *p, size_t n) {
  __mmask32 words = (__mmask32)((1ull << (n / 2)) - 1);
  return _mm512_maskz_loadu_epi16(words, (const void *)p);
}

/* The exact sum of the words: the signed lanes plus 32768 owed per word. */
AVX512BW static inline uint64_t finish(__m512i wide, uint64_t vectors,
                                       uint64_t odd) {
  uint64_t total = (uint64_t)_mm512_reduce_add_epi64(wide);
  return total + (vectors << 20) + odd; /* 32 words of 32768 per vector */
}

/*
 * One kernel body for both instruction sets. ACC(acc, v) adds the pair sums
 * of v, its words XORed with 0x8000, into the 32-bit lanes of acc.
 */
#define DEFINE_KERNEL(NAME, TARGET, ACC)                                       \
  TARGET uint64_t NAME(const void *buf, size_t len) {                          \
    const unsigned char *p = buf;                                              \
    if (len <= 64)                                                             \
      return sc__raw_sum_short(p, len);                                        \
    const __m512i flip = _mm512_set1_epi16((short)0x8000);                     \
    const __m512i ones = _mm512_set1_epi16(1);                                 \
    uint64_t odd = (len & 1) ? sc__odd_byte(p[len - 1]) : 0;                   \
    size_t n = len & ~(size_t)1;                                               \
    uint64_t vectors = 0;                                                      \
    __m512i wide = _mm512_setzero_si512();                                     \
    while (n >= 256) {                                                         \
      size_t iters = n / 256;                                                  \
      if (iters > BLOCK_ITERATIONS)                                            \
        iters = BLOCK_ITERATIONS;                                              \
      n -= iters * 256;                                                        \
      vectors += iters * 4;                                                    \
      __m512i a0 = _mm512_setzero_si512(), a1 = a0, a2 = a0, a3 = a0;          \
      do {                                                                     \
        a0 = ACC(a0, load(p));                                                 \
        a1 = ACC(a1, load(p + 64));                                            \
        a2 = ACC(a2, load(p + 128));                                           \
        a3 = ACC(a3, load(p + 192));                                           \
        p += 256;                                                              \
      } while (--iters);                                                       \
      wide = widen_add(wide, _mm512_add_epi32(_mm512_add_epi32(a0, a1),        \
                                              _mm512_add_epi32(a2, a3)));      \
    }                                                                          \
    __m512i a = _mm512_setzero_si512();                                        \
    for (; n >= 64; n -= 64, p += 64, vectors++)                               \
      a = ACC(a, load(p));                                                     \
    if (n) {                                                                   \
      a = ACC(a, load_tail(p, n)); /* masked words count as 0 */               \
      vectors++;                                                               \
    }                                                                          \
    return finish(widen_add(wide, a), vectors, odd);                           \
  }

#define ACC_BW(acc, v)                                                         \
  _mm512_add_epi32((acc), _mm512_madd_epi16(_mm512_xor_si512((v), flip), ones))
#define ACC_VNNI(acc, v)                                                       \
  _mm512_dpwssd_epi32((acc), _mm512_xor_si512((v), flip), ones)

DEFINE_KERNEL(sc__raw_sum_avx512bw, AVX512BW, ACC_BW)
DEFINE_KERNEL(sc__raw_sum_avx512vnni, AVX512VNNI, ACC_VNNI)

#else
/* ISO C wants at least one declaration in a translation unit. */
typedef int sc__checksum_avx512_unused;
#endif
