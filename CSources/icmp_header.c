/*
 * The 8-byte header that ICMPv4 (RFC 792) and ICMPv6 (RFC 4443 section 2.1)
 * share: type, code, checksum, then four bytes whose meaning depends on the
 * type (echo id and sequence, an MTU, a pointer, a gateway, or unused).
 */
#include <errno.h>
#include <string.h>

#include "codec.h"
#include "wire.h"

#define ICMP_LENGTH_MAX 65535u

int sc__icmp_header_parse(const uint8_t *buf, size_t len,
                          struct sc_icmp *out) {
  if (len < SC_ICMP_HEADER_LENGTH)
    return -EBADMSG;
  memset(out, 0, sizeof *out);
  out->type = sc__load8(buf, len, 0);
  out->code = sc__load8(buf, len, 1);
  out->checksum = sc__load16_raw(buf, len, 2);
  out->rest = sc__load32(buf, len, 4);
  memcpy(out->rest_bytes, buf + 4, 4);
  out->kind = SC_ICMP_KIND_OTHER;
  out->body = buf + SC_ICMP_HEADER_LENGTH;
  out->body_length = len - SC_ICMP_HEADER_LENGTH;
  return 0;
}

void sc__icmp_take_echo(struct sc_icmp *m, bool request) {
  m->kind = request ? SC_ICMP_KIND_ECHO_REQUEST : SC_ICMP_KIND_ECHO_REPLY;
  m->id = (uint16_t)(m->rest >> 16);
  m->sequence = (uint16_t)m->rest;
}

int sc__icmp_header_pack(uint8_t *buf, size_t cap, uint8_t type, uint8_t code,
                         uint32_t rest, const void *body,
                         size_t body_length) {
  if (buf == NULL || (body == NULL && body_length != 0))
    return -EINVAL;
  /* The largest message an IPv4 datagram (or a non-jumbo IPv6 payload)
     could carry is bounded by its 16-bit length field. */
  if (body_length > ICMP_LENGTH_MAX - SC_ICMP_HEADER_LENGTH)
    return -EINVAL;
  size_t n = SC_ICMP_HEADER_LENGTH + body_length;
  if (cap < n)
    return -ENOSPC;
  /* Body first: it may have been built in place at buf + 8. */
  sc__store_bytes(buf, n, SC_ICMP_HEADER_LENGTH, body, body_length);
  sc__store8(buf, n, 0, type);
  sc__store8(buf, n, 1, code);
  sc__store16_raw(buf, n, 2, 0);
  sc__store32(buf, n, 4, rest);
  return (int)n;
}
