/*
 * Helpers shared by the codec tests: exactly-sized heap copies (so that
 * AddressSanitizer flags a read one byte past the input) and a reference
 * Internet checksum written independently of the library's (big-endian
 * words, the textbook loop of RFC 1071 section 4.1), to build test packets
 * and to cross-check the codec.
 */
#ifndef SC_TEST_PACKET_HELPERS_H
#define SC_TEST_PACKET_HELPERS_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A heap copy of exactly n bytes (at least one byte is allocated so that
   malloc(0) cannot return NULL; ASan still flags a read at p[n]). */
static inline uint8_t *sc_test_exact(const void *p, size_t n) {
  uint8_t *q = malloc(n ? n : 1);
  if (q == NULL)
    abort();
  if (n)
    memcpy(q, p, n);
  return q;
}

/* The plain 32-bit running sum of big-endian 16-bit words (odd tail padded). */
static inline uint32_t sc_test_sum(const uint8_t *p, size_t n, uint32_t sum) {
  for (size_t i = 0; i + 1 < n; i += 2)
    sum += (uint32_t)(p[i] << 8 | p[i + 1]);
  if (n % 2)
    sum += (uint32_t)p[n - 1] << 8;
  return sum;
}

/* Fold and complement: the checksum as a host-order number. */
static inline uint16_t sc_test_fold(uint32_t sum) {
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return (uint16_t)~sum;
}

/* Store a checksum computed as a host-order number at p[off], big-endian. */
static inline void sc_test_put16(uint8_t *p, size_t off, uint16_t v) {
  p[off] = (uint8_t)(v >> 8);
  p[off + 1] = (uint8_t)v;
}

static inline uint16_t sc_test_get16(const uint8_t *p, size_t off) {
  return (uint16_t)(p[off] << 8 | p[off + 1]);
}

/* The IPv6 pseudo-header sum (RFC 8200 section 8.1). */
static inline uint32_t sc_test_pseudo6(const uint8_t src[16],
                                       const uint8_t dst[16], uint32_t len,
                                       uint8_t next_header) {
  uint32_t sum = sc_test_sum(src, 16, 0);
  sum = sc_test_sum(dst, 16, sum);
  sum += len >> 16;
  sum += len & 0xffff;
  sum += next_header;
  return sum;
}

#endif
