/*
 * The same RFC 1071 section 4.1 loop as textbook.c, with the compiler's
 * loop vectorizer turned off for it: clang -O2 turns the plain loop into
 * SSE2 code, so this is the scalar yardstick the RFC's authors had in mind.
 */
#include <string.h>

#include "sockbench.h"

uint16_t sb_checksum_textbook_unvectorized(const void *buf, size_t len) {
  const unsigned char *addr = buf;
  size_t count = len;
  uint32_t sum = 0;

#if defined(__clang__)
#pragma clang loop vectorize(disable) interleave(disable)
#endif
  while (count > 1) {
    unsigned short word;
    memcpy(&word, addr, sizeof word);
    sum += word;
    addr += 2;
    count -= 2;
  }

  if (count > 0)
    sum += *addr;

  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);

  return (uint16_t)~sum;
}
