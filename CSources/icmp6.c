/*
 * ICMPv6 (RFC 4443): echo request and reply, and the four error messages,
 * with the checksum over the IPv6 pseudo-header (RFC 8200 section 8.1).
 */
#include <errno.h>
#include <string.h>

#include "codec.h"
#include "wire.h"

/* Types 0..127 are errors (RFC 4443 section 2.1); these four are defined,
   and each carries the invoking packet from byte 8 on. */
static bool is_error_type(uint8_t type) {
  return type >= SC_ICMP6_DEST_UNREACH && type <= SC_ICMP6_PARAMETER_PROBLEM;
}

static uint32_t pseudo_sum(const uint8_t *src, const uint8_t *dst,
                           size_t len) {
  return sc_checksum_pseudo_ipv6(src, dst, SC_IPPROTO_ICMPV6, (uint32_t)len);
}

int sc_icmp6_parse(const void *buf, size_t len, const uint8_t *src,
                   const uint8_t *dst, struct sc_icmp *out) {
  if (buf == NULL || out == NULL)
    return -EINVAL;
  /* The pseudo-header's length field is 32 bits (RFC 8200 section 8.1). */
  if (len > UINT32_MAX)
    return -EBADMSG;
  const uint8_t *p = buf;
  struct sc_icmp m;
  int rc = sc__icmp_header_parse(p, len, &m);
  if (rc < 0)
    return rc;
  if (src != NULL && dst != NULL)
    m.checksum_valid =
        sc_checksum_fold(sc_checksum_partial(p, len, pseudo_sum(src, dst, len))) ==
        0;
  if (m.type == SC_ICMP6_ECHO_REQUEST || m.type == SC_ICMP6_ECHO_REPLY) {
    sc__icmp_take_echo(&m, m.type == SC_ICMP6_ECHO_REQUEST);
  } else if (is_error_type(m.type)) {
    m.kind = SC_ICMP_KIND_ERROR;
    rc = sc__icmp_quote_parse6(m.body, m.body_length, &m.quote);
    if (rc < 0)
      return rc;
  }
  *out = m;
  return 0;
}

int sc_icmp6_echo_pack(void *buf, size_t cap, uint8_t type, uint16_t id,
                       uint16_t sequence, const void *payload,
                       size_t payload_length, const uint8_t *src,
                       const uint8_t *dst) {
  if (type != SC_ICMP6_ECHO_REQUEST && type != SC_ICMP6_ECHO_REPLY)
    return -EINVAL;
  int n = sc__icmp_header_pack(buf, cap, type, 0,
                               (uint32_t)id << 16 | sequence, payload,
                               payload_length);
  if (n < 0)
    return n;
  /* Without addresses the field stays 0: a raw ICMPv6 socket's kernel
     computes it on send (RFC 3542 section 3.1). */
  if (src != NULL && dst != NULL)
    sc__store16_raw(buf, (size_t)n, 2,
                    sc_checksum_fold(sc_checksum_partial(
                        buf, (size_t)n, pseudo_sum(src, dst, (size_t)n))));
  return n;
}
