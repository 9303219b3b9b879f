/*
 * Yardsticks for small-message figures: what a call costs before any byte is
 * summed, and how fast the core clock runs (a VM's may be far from the
 * model's nominal clock), so that nanoseconds can be read as cycles.
 */
#include <time.h>

#include "sockbench.h"

/* Kept out of line and opaque so each call is a real call. */
__attribute__((noinline)) uint64_t sb_call_floor(const void *buf, size_t len) {
  __asm__ volatile("" : : "r"(buf) : "memory");
  return len;
}

static double now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

double sb_core_ghz(void) {
#if defined(__x86_64__)
  /* A chain of dependent adds runs at one per cycle on every x86-64 core. */
  enum { ROUNDS = 2000000, ADDS_PER_ROUND = 16 };
  uint64_t x = 0;
  double best = 0;
  for (int attempt = 0; attempt < 3; attempt++) {
    double start = now_ns();
    for (int i = 0; i < ROUNDS; i++)
      __asm__ volatile(".rept 16\n\tadd $1, %0\n\t.endr" : "+r"(x));
    double ghz = (double)ROUNDS * ADDS_PER_ROUND / (now_ns() - start);
    if (ghz > best)
      best = ghz;
  }
  return best;
#else
  return 0;
#endif
}
