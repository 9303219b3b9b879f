/*
 * IPv4 header parse and pack (RFC 791 section 3.1).
 */
#include <errno.h>
#include <string.h>

#include "codec.h"
#include "sockcore.h"
#include "wire.h"

/*
 * The checks every IPv4 header needs, wherever it comes from: version 4,
 * IHL >= 5 (RFC 791 3.1: "the minimum value for a correct header is 5") and
 * all IHL * 4 bytes present. Fills everything but payload.
 */
static int parse_header(const uint8_t *p, size_t len, struct sc_ipv4 *h) {
  if (len < SC_IPV4_HEADER_MIN)
    return -EBADMSG;
  uint8_t version_ihl = sc__load8(p, len, 0);
  if (version_ihl >> 4 != 4)
    return -EBADMSG;
  size_t hl = (size_t)(version_ihl & 0x0f) * 4;
  if (hl < SC_IPV4_HEADER_MIN || hl > len)
    return -EBADMSG;

  memset(h, 0, sizeof *h);
  h->header_length = (uint8_t)hl;
  h->tos = sc__load8(p, hl, 1);
  h->total_length = sc__load16(p, hl, 2);
  h->id = sc__load16(p, hl, 4);
  h->fragment = sc__load16(p, hl, 6);
  h->ttl = sc__load8(p, hl, 8);
  h->protocol = sc__load8(p, hl, 9);
  h->checksum = sc__load16_raw(p, hl, 10);
  /* Summing the header with its checksum field in place gives 0 when it
     verifies (RFC 1071 section 1, step (3)). */
  h->checksum_valid = sc_checksum(p, hl) == 0;
  memcpy(h->src, p + 12, 4);
  memcpy(h->dst, p + 16, 4);
  h->options = hl > SC_IPV4_HEADER_MIN ? p + SC_IPV4_HEADER_MIN : NULL;
  return 0;
}

int sc_ipv4_parse(const void *buf, size_t len, struct sc_ipv4 *out) {
  if (buf == NULL || out == NULL)
    return -EINVAL;
  const uint8_t *p = buf;
  struct sc_ipv4 h;
  int rc = parse_header(p, len, &h);
  if (rc < 0)
    return rc;
  /* total_length counts the header, so it cannot be smaller than it; and a
     datagram claiming more bytes than were received is truncated. Bytes past
     total_length are link-layer padding (an Ethernet frame carries at least
     46 bytes) and are not part of the datagram. */
  if (h.total_length < h.header_length || h.total_length > len)
    return -EBADMSG;
  h.payload = p + h.header_length;
  h.payload_length = (size_t)h.total_length - h.header_length;
  *out = h;
  return 0;
}

/*
 * A header quoted by an ICMP error. Its total_length describes the original
 * datagram, of which the error quotes only the start (RFC 792: the header
 * and 64 bits; RFC 1812 section 4.3.2.3: as much as fits in 576 bytes), so
 * it is not compared with what is present. Nor is it required to be at
 * least IHL * 4: some stacks have quoted it altered (4.4BSD converted ip_len
 * to host order and subtracted the header length before icmp_error() saw
 * it), and the bytes that identify our probe are still there to match.
 */
int sc__ipv4_parse_quoted(const uint8_t *buf, size_t len,
                          struct sc_ipv4 *out) {
  struct sc_ipv4 h;
  int rc = parse_header(buf, len, &h);
  if (rc < 0)
    return rc;
  h.payload = buf + h.header_length;
  h.payload_length = len - h.header_length;
  *out = h;
  return 0;
}

int sc_ipv4_pack(void *buf, size_t cap, const struct sc_ipv4 *hdr) {
  if (buf == NULL || hdr == NULL)
    return -EINVAL;
  size_t hl = hdr->header_length != 0 ? hdr->header_length
                                      : SC_IPV4_HEADER_MIN;
  if (hl < SC_IPV4_HEADER_MIN || hl > SC_IPV4_HEADER_MAX || hl % 4 != 0)
    return -EINVAL;
  if (hl > SC_IPV4_HEADER_MIN && hdr->options == NULL)
    return -EINVAL;
  if (hdr->total_length < hl)
    return -EINVAL;
  if (cap < hl)
    return -ENOSPC;

  uint8_t *p = buf;
  sc__store8(p, hl, 0, (uint8_t)(4 << 4 | hl / 4));
  sc__store8(p, hl, 1, hdr->tos);
  sc__store16(p, hl, 2, hdr->total_length);
  sc__store16(p, hl, 4, hdr->id);
  sc__store16(p, hl, 6, hdr->fragment);
  sc__store8(p, hl, 8, hdr->ttl);
  sc__store8(p, hl, 9, hdr->protocol);
  sc__store16_raw(p, hl, 10, 0); /* zero while summing (RFC 791 3.1) */
  sc__store_bytes(p, hl, 12, hdr->src, 4);
  sc__store_bytes(p, hl, 16, hdr->dst, 4);
  sc__store_bytes(p, hl, SC_IPV4_HEADER_MIN, hdr->options,
                  hl - SC_IPV4_HEADER_MIN);
  sc__store16_raw(p, hl, 10, sc_checksum(p, hl));
  return (int)hl;
}
