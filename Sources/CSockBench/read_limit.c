/*
 * The memory read limit: every 64-bit word of the buffer added up with the
 * widest vector unit, four independent accumulators (one vpaddq per load),
 * so the loop is bound by loads alone. The unit is chosen once from CPUID
 * and XGETBV (the OS must save the YMM/ZMM state) and published through an
 * atomic pointer, like the checksum's dispatch in the C core.
 */
#include <stdatomic.h>
#include <string.h>

#include "sockbench.h"

typedef uint64_t (*read_fn)(const unsigned char *p, size_t len);

/* The bytes after the last whole word, so that every byte is read. */
static uint64_t tail_bytes(const unsigned char *p, size_t len) {
  uint64_t s = 0;
  for (size_t i = 0; i < len; i++)
    s += p[i];
  return s;
}

static uint64_t read_scalar(const unsigned char *p, size_t len) {
  uint64_t a = 0, b = 0, c = 0, d = 0, w[4];
  for (; len >= 32; p += 32, len -= 32) {
    memcpy(w, p, sizeof w);
    a += w[0];
    b += w[1];
    c += w[2];
    d += w[3];
  }
  for (; len >= 8; p += 8, len -= 8) {
    memcpy(w, p, 8);
    a += w[0];
  }
  return a + b + c + d + tail_bytes(p, len);
}

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>

#define LOAD256(p) _mm256_loadu_si256((const __m256i *)(const void *)(p))

__attribute__((target("avx2"))) static uint64_t
read_avx2(const unsigned char *p, size_t len) {
  __m256i a = _mm256_setzero_si256(), b = a, c = a, d = a;
  for (; len >= 128; p += 128, len -= 128) {
    a = _mm256_add_epi64(a, LOAD256(p));
    b = _mm256_add_epi64(b, LOAD256(p + 32));
    c = _mm256_add_epi64(c, LOAD256(p + 64));
    d = _mm256_add_epi64(d, LOAD256(p + 96));
  }
  for (; len >= 32; p += 32, len -= 32)
    a = _mm256_add_epi64(a, LOAD256(p));
  a = _mm256_add_epi64(_mm256_add_epi64(a, b), _mm256_add_epi64(c, d));
  __m128i s = _mm_add_epi64(_mm256_castsi256_si128(a),
                            _mm256_extracti128_si256(a, 1));
  s = _mm_add_epi64(s, _mm_unpackhi_epi64(s, s));
  return (uint64_t)_mm_cvtsi128_si64(s) + read_scalar(p, len);
}

__attribute__((target("avx512f"))) static uint64_t
read_avx512(const unsigned char *p, size_t len) {
  __m512i a = _mm512_setzero_si512(), b = a, c = a, d = a;
  for (; len >= 256; p += 256, len -= 256) {
    a = _mm512_add_epi64(a, _mm512_loadu_si512((const void *)p));
    b = _mm512_add_epi64(b, _mm512_loadu_si512((const void *)(p + 64)));
    c = _mm512_add_epi64(c, _mm512_loadu_si512((const void *)(p + 128)));
    d = _mm512_add_epi64(d, _mm512_loadu_si512((const void *)(p + 192)));
  }
  for (; len >= 64; p += 64, len -= 64)
    a = _mm512_add_epi64(a, _mm512_loadu_si512((const void *)p));
  a = _mm512_add_epi64(_mm512_add_epi64(a, b), _mm512_add_epi64(c, d));
  return (uint64_t)_mm512_reduce_add_epi64(a) + read_scalar(p, len);
}

static uint64_t read_xcr0(void) {
  uint32_t lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return ((uint64_t)hi << 32) | lo;
}

/* 2 AVX2, 3 AVX-512 F, else 1. */
static int widest_unit(void) {
  unsigned eax, ebx, ecx, edx;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) ||
      (ecx & (3u << 27)) != (3u << 27)) /* OSXSAVE and AVX */
    return 1;
  uint64_t xcr0 = read_xcr0();
  if ((xcr0 & 0x06) != 0x06 ||
      !__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx))
    return 1;
  if ((ebx & (1u << 16)) && (xcr0 & 0xe6) == 0xe6)
    return 3;
  return (ebx & (1u << 5)) ? 2 : 1;
}
#endif

static const char *unit_name(read_fn fn) {
#if defined(__x86_64__)
  if (fn == read_avx512)
    return "avx512";
  if (fn == read_avx2)
    return "avx2";
#endif
  (void)fn;
  return "scalar";
}

static read_fn choose(void) {
#if defined(__x86_64__)
  switch (widest_unit()) {
  case 3: return read_avx512;
  case 2: return read_avx2;
  default: break;
  }
#endif
  return read_scalar;
}

static _Atomic(read_fn) active;

static read_fn resolve(void) {
  read_fn fn = atomic_load_explicit(&active, memory_order_acquire);
  if (fn == NULL) {
    fn = choose();
    atomic_store_explicit(&active, fn, memory_order_release);
  }
  return fn;
}

uint64_t sb_read_limit(const void *buf, size_t len) {
  return resolve()(buf, len);
}

const char *sb_read_limit_path(void) { return unit_name(resolve()); }
