/*
 * Which SIMD checksum kernels this CPU and OS can run.
 *
 * CPUID says what the core implements; XGETBV (XCR0) says whether the OS
 * saves and restores the wider registers on a context switch. Both must hold
 * (Intel SDM vol. 1, 14.3 "Detection of Intel AVX instructions" and 15.2 for
 * AVX-512): a hypervisor or kernel may hide YMM/ZMM state even when CPUID
 * shows the instructions.
 */
#include "checksum_internal.h"

#if defined(SC__HAVE_X86_KERNELS)
#include <cpuid.h>

/* XCR0 bits: 1 SSE, 2 AVX (upper YMM), 5 opmask, 6 ZMM_Hi256, 7 Hi16_ZMM. */
#define XCR0_YMM 0x06u
#define XCR0_ZMM 0xe6u

/* The instruction rather than _xgetbv(), which would need target("xsave"). */
static uint64_t read_xcr0(void) {
  uint32_t lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return ((uint64_t)hi << 32) | lo;
}

unsigned sc__cpu_features(void) {
  unsigned eax, ebx, ecx, edx;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx))
    return 0;
  const unsigned osxsave = 1u << 27, avx = 1u << 28;
  if ((ecx & (osxsave | avx)) != (osxsave | avx))
    return 0;
  uint64_t xcr0 = read_xcr0();
  if ((xcr0 & XCR0_YMM) != XCR0_YMM)
    return 0;
  if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx))
    return 0; /* leaf 7 absent: no AVX2 */

  unsigned features = 0;
  if (ebx & (1u << 5))
    features |= SC__CPU_AVX2;
  const unsigned avx512f = 1u << 16, avx512bw = 1u << 30;
  if ((ebx & (avx512f | avx512bw)) == (avx512f | avx512bw) &&
      (xcr0 & XCR0_ZMM) == XCR0_ZMM) {
    features |= SC__CPU_AVX512BW;
    if (ecx & (1u << 11))
      features |= SC__CPU_AVX512VNNI;
  }
  return features;
}

#else

unsigned sc__cpu_features(void) { return 0; }

#endif
