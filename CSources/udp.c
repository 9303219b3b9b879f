/*
 * UDP header parse, pack and checksum verification over IPv4 and IPv6
 * (RFC 768; RFC 8200 section 8.1 for IPv6).
 */
#include <errno.h>
#include <string.h>

#include "sockcore.h"
#include "wire.h"

#define UDP_LENGTH_MAX 65535u

int sc_udp_parse(const void *buf, size_t len, struct sc_udp *out) {
  if (buf == NULL || out == NULL)
    return -EINVAL;
  const uint8_t *p = buf;
  if (len < SC_UDP_HEADER_LENGTH)
    return -EBADMSG;
  struct sc_udp u;
  memset(&u, 0, sizeof u);
  u.source_port = sc__load16(p, len, 0);
  u.destination_port = sc__load16(p, len, 2);
  u.length = sc__load16(p, len, 4);
  u.checksum = sc__load16_raw(p, len, 6);
  /* length counts the header. A UDP jumbogram's length of 0 (RFC 2675
     section 4) is not supported and falls under "< 8". */
  if (u.length < SC_UDP_HEADER_LENGTH || u.length > len)
    return -EBADMSG;
  u.payload = p + SC_UDP_HEADER_LENGTH;
  u.payload_length = (size_t)u.length - SC_UDP_HEADER_LENGTH;
  *out = u;
  return 0;
}

/* Header and payload with a zero checksum; returns the length or an error. */
static int write_datagram(uint8_t *p, size_t cap, uint16_t source_port,
                          uint16_t destination_port, const void *payload,
                          size_t payload_length) {
  if (p == NULL || (payload == NULL && payload_length != 0))
    return -EINVAL;
  if (payload_length > UDP_LENGTH_MAX - SC_UDP_HEADER_LENGTH)
    return -EINVAL;
  size_t n = SC_UDP_HEADER_LENGTH + payload_length;
  if (cap < n)
    return -ENOSPC;
  sc__store_bytes(p, n, SC_UDP_HEADER_LENGTH, payload, payload_length);
  sc__store16(p, n, 0, source_port);
  sc__store16(p, n, 2, destination_port);
  sc__store16(p, n, 4, (uint16_t)n);
  sc__store16_raw(p, n, 6, 0);
  return (int)n;
}

/*
 * RFC 768: "If the computed checksum is zero, it is transmitted as all ones
 * (the equivalent in one's complement arithmetic)", because a transmitted 0
 * means "no checksum".
 */
static void store_checksum(uint8_t *p, size_t n, uint32_t pseudo) {
  uint16_t c = sc_checksum_fold(sc_checksum_partial(p, n, pseudo));
  sc__store16_raw(p, n, 6, c == 0 ? 0xffff : c);
}

int sc_udp_pack4(void *buf, size_t cap, const uint8_t src[4],
                 const uint8_t dst[4], uint16_t source_port,
                 uint16_t destination_port, const void *payload,
                 size_t payload_length) {
  if (src == NULL || dst == NULL)
    return -EINVAL;
  int n = write_datagram(buf, cap, source_port, destination_port, payload,
                         payload_length);
  if (n < 0)
    return n;
  store_checksum(buf, (size_t)n,
                 sc_checksum_pseudo_ipv4(src, dst, SC_IPPROTO_UDP,
                                         (uint16_t)n));
  return n;
}

int sc_udp_pack6(void *buf, size_t cap, const uint8_t src[16],
                 const uint8_t dst[16], uint16_t source_port,
                 uint16_t destination_port, const void *payload,
                 size_t payload_length) {
  if (src == NULL || dst == NULL)
    return -EINVAL;
  int n = write_datagram(buf, cap, source_port, destination_port, payload,
                         payload_length);
  if (n < 0)
    return n;
  store_checksum(buf, (size_t)n,
                 sc_checksum_pseudo_ipv6(src, dst, SC_IPPROTO_UDP,
                                         (uint32_t)n));
  return n;
}

/*
 * The sum runs over the `length` bytes the header claims (bytes past it in
 * buf are not part of the datagram) plus the pseudo-header, with the
 * checksum field in place: a correct datagram sums to 0.
 */
static int verify(const void *buf, size_t len, const void *src,
                  const void *dst, bool ipv6) {
  if (src == NULL || dst == NULL)
    return -EINVAL;
  struct sc_udp u;
  int rc = sc_udp_parse(buf, len, &u);
  if (rc < 0)
    return rc;
  if (u.checksum == 0) {
    /* RFC 768: 0 means the sender computed none, which IPv4 allows. RFC 8200
       section 8.1: over IPv6 the checksum is mandatory and "IPv6 receivers
       must discard UDP packets containing a zero checksum" (the tunnel
       exception of RFC 6935 is opt-in and not supported here). */
    return ipv6 ? -EBADMSG : 0;
  }
  uint32_t pseudo =
      ipv6 ? sc_checksum_pseudo_ipv6(src, dst, SC_IPPROTO_UDP, u.length)
           : sc_checksum_pseudo_ipv4(src, dst, SC_IPPROTO_UDP, u.length);
  uint16_t c = sc_checksum_fold(sc_checksum_partial(buf, u.length, pseudo));
  return c == 0 ? 0 : -EBADMSG;
}

int sc_udp_verify4(const void *buf, size_t len, const uint8_t src[4],
                   const uint8_t dst[4]) {
  return verify(buf, len, src, dst, false);
}

int sc_udp_verify6(const void *buf, size_t len, const uint8_t src[16],
                   const uint8_t dst[16]) {
  return verify(buf, len, src, dst, true);
}
