/*
 * Big-endian field access for the packet codec (internal).
 *
 * Every access goes through memcpy, so a field may sit at any alignment
 * (an IPv4 header with options, or a quote inside an ICMP message, puts the
 * next header at an arbitrary offset; a cast to uint16_t * there would be
 * undefined behaviour, C11 6.3.2.3p7).
 *
 * Every access also takes the length of the region it reads or writes. The
 * parsers check lengths up front and report -EBADMSG; the check here is a
 * second line of defence for a check someone forgets. In sanitizer builds
 * (the unit tests and the fuzzers) such a miss traps at once so that it is
 * found; in a release build it reads zeros and writes nothing rather than
 * touching memory outside the region.
 */
#ifndef SC_WIRE_H
#define SC_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#define SC__WIRE_TRAP_ON_MISS 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SC__WIRE_TRAP_ON_MISS 1
#endif
#endif

/* Whether n bytes at off lie inside a region of len bytes, without overflow. */
static inline bool sc__fits(size_t len, size_t off, size_t n) {
  return n <= len && off <= len - n;
}

static inline bool sc__wire_check(size_t len, size_t off, size_t n) {
  if (sc__fits(len, off, n))
    return true;
#ifdef SC__WIRE_TRAP_ON_MISS
  __builtin_trap();
#endif
  return false;
}

static inline uint8_t sc__load8(const uint8_t *p, size_t len, size_t off) {
  return sc__wire_check(len, off, 1) ? p[off] : 0;
}

static inline uint16_t sc__load16(const uint8_t *p, size_t len, size_t off) {
  uint8_t b[2] = {0, 0};
  if (sc__wire_check(len, off, 2))
    memcpy(b, p + off, 2);
  return (uint16_t)(b[0] << 8 | b[1]);
}

static inline uint32_t sc__load32(const uint8_t *p, size_t len, size_t off) {
  uint8_t b[4] = {0, 0, 0, 0};
  if (sc__wire_check(len, off, 4))
    memcpy(b, p + off, 4);
  return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 |
         (uint32_t)b[3];
}

/* A field kept exactly as stored (a checksum in "memory order"). */
static inline uint16_t sc__load16_raw(const uint8_t *p, size_t len,
                                      size_t off) {
  uint16_t v = 0;
  if (sc__wire_check(len, off, 2))
    memcpy(&v, p + off, 2);
  return v;
}

static inline void sc__store8(uint8_t *p, size_t len, size_t off,
                              uint8_t v) {
  if (sc__wire_check(len, off, 1))
    p[off] = v;
}

static inline void sc__store16(uint8_t *p, size_t len, size_t off,
                               uint16_t v) {
  uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};
  if (sc__wire_check(len, off, 2))
    memcpy(p + off, b, 2);
}

static inline void sc__store32(uint8_t *p, size_t len, size_t off,
                               uint32_t v) {
  uint8_t b[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8),
                  (uint8_t)v};
  if (sc__wire_check(len, off, 4))
    memcpy(p + off, b, 4);
}

static inline void sc__store16_raw(uint8_t *p, size_t len, size_t off,
                                   uint16_t v) {
  if (sc__wire_check(len, off, 2))
    memcpy(p + off, &v, 2);
}

/*
 * Copy n bytes from src to p[off]; src may be NULL only when n is 0. memmove,
 * because a caller may have built a payload in place in the output buffer.
 */
static inline void sc__store_bytes(uint8_t *p, size_t len, size_t off,
                                   const void *src, size_t n) {
  if (n != 0 && sc__wire_check(len, off, n))
    memmove(p + off, src, n);
}

#endif /* SC_WIRE_H */
