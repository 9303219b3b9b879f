/*
 * The portable checksum path: 64-bit words added with end-around carry
 * (RFC 1071 section 4.2's "deferred carries" and "unwinding loops"), four
 * independent accumulators so that the carry chains overlap. Loads go through
 * memcpy, so any alignment is fine and no -march is needed.
 */
#include "checksum_internal.h"

uint64_t sc__raw_sum_scalar(const void *buf, size_t len) {
  const unsigned char *p = buf;
  uint64_t a = 0, b = 0, c = 0, d = 0;
  for (; len >= 32; p += 32, len -= 32) {
    a = sc__adc(a, sc__load64(p));
    b = sc__adc(b, sc__load64(p + 8));
    c = sc__adc(c, sc__load64(p + 16));
    d = sc__adc(d, sc__load64(p + 24));
  }
  uint64_t tail = sc__raw_sum_short(p, len);
  return sc__adc(sc__adc(a, b), sc__adc(sc__adc(c, d), tail));
}
