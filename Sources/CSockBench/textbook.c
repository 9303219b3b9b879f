/*
 * RFC 1071 section 4.1, "C" implementation, kept as close to the printed
 * code as C11 allows: the only change is that each 16-bit word is read with
 * memcpy (the RFC's `*(unsigned short *)addr++` is undefined for unaligned
 * addresses); it compiles to the same load.
 */
#include <string.h>

#include "sockbench.h"

uint16_t sb_checksum_textbook(const void *buf, size_t len) {
  const unsigned char *addr = buf;
  size_t count = len;
  uint32_t sum = 0;

  while (count > 1) {
    /*  This is the inner loop */
    unsigned short word;
    memcpy(&word, addr, sizeof word);
    sum += word;
    addr += 2;
    count -= 2;
  }

  /*  Add left-over byte, if any */
  if (count > 0)
    sum += *addr;

  /*  Fold 32-bit sum to 16 bits */
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);

  return (uint16_t)~sum;
}
