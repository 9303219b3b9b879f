/*
 * IPv6 fixed header parse (RFC 8200 section 3).
 */
#include <errno.h>
#include <string.h>

#include "sockcore.h"
#include "wire.h"

int sc_ipv6_parse(const void *buf, size_t len, struct sc_ipv6 *out) {
  if (buf == NULL || out == NULL)
    return -EINVAL;
  const uint8_t *p = buf;
  if (len < SC_IPV6_HEADER_LENGTH)
    return -EBADMSG;
  /* Version (4 bits), traffic class (8), flow label (20). */
  uint32_t first = sc__load32(p, len, 0);
  if (first >> 28 != 6)
    return -EBADMSG;

  struct sc_ipv6 h;
  memset(&h, 0, sizeof h);
  h.traffic_class = (uint8_t)(first >> 20);
  h.flow_label = first & 0xfffffu;
  h.payload_length = sc__load16(p, len, 4);
  h.next_header = sc__load8(p, len, 6);
  h.hop_limit = sc__load8(p, len, 7);
  memcpy(h.src, p + 8, 16);
  memcpy(h.dst, p + 24, 16);
  h.payload = p + SC_IPV6_HEADER_LENGTH;
  /* Not an error when fewer bytes are present: an ICMPv6 error quotes "as
     much of invoking packet as possible without the ICMPv6 packet exceeding
     the minimum IPv6 MTU" (RFC 4443 section 3.1), so quoted headers often
     claim more than is there. A payload_length of 0 with a Hop-by-Hop
     header means a jumbogram (RFC 2675); it reads as an empty payload. */
  size_t present = len - SC_IPV6_HEADER_LENGTH;
  h.payload_length_present =
      h.payload_length < present ? h.payload_length : present;
  *out = h;
  return 0;
}
