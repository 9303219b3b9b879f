/*
 * ICMPv4 (RFC 792): echo request and reply, and the error messages that
 * quote the datagram that caused them.
 */
#include <errno.h>
#include <string.h>

#include "codec.h"
#include "wire.h"

/* The types whose body is "Internet Header + 64 bits of Original Data
   Datagram" (RFC 792; redirect and source quench too, though RFC 6633
   deprecates the latter and RFC 1812 section 4.3.3.2 redirects). */
static bool is_error_type(uint8_t type) {
  switch (type) {
  case SC_ICMP_DEST_UNREACH:
  case SC_ICMP_SOURCE_QUENCH:
  case SC_ICMP_REDIRECT:
  case SC_ICMP_TIME_EXCEEDED:
  case SC_ICMP_PARAMETER_PROBLEM:
    return true;
  default:
    return false;
  }
}

int sc_icmp4_parse(const void *buf, size_t len, struct sc_icmp *out) {
  if (buf == NULL || out == NULL)
    return -EINVAL;
  const uint8_t *p = buf;
  struct sc_icmp m;
  int rc = sc__icmp_header_parse(p, len, &m);
  if (rc < 0)
    return rc;
  /* RFC 792: the checksum covers the whole ICMP message. */
  m.checksum_valid = sc_checksum(p, len) == 0;
  if (m.type == SC_ICMP_ECHO_REQUEST || m.type == SC_ICMP_ECHO_REPLY) {
    sc__icmp_take_echo(&m, m.type == SC_ICMP_ECHO_REQUEST);
  } else if (is_error_type(m.type)) {
    m.kind = SC_ICMP_KIND_ERROR;
    rc = sc__icmp_quote_parse4(m.body, m.body_length, &m.quote);
    if (rc < 0)
      return rc;
  }
  *out = m;
  return 0;
}

int sc_icmp4_echo_pack(void *buf, size_t cap, uint8_t type, uint16_t id,
                       uint16_t sequence, const void *payload,
                       size_t payload_length) {
  if (type != SC_ICMP_ECHO_REQUEST && type != SC_ICMP_ECHO_REPLY)
    return -EINVAL;
  int n = sc__icmp_header_pack(buf, cap, type, 0,
                               (uint32_t)id << 16 | sequence, payload,
                               payload_length);
  if (n < 0)
    return n;
  sc__store16_raw(buf, (size_t)n, 2, sc_checksum(buf, (size_t)n));
  return n;
}

int sc_icmp4_error_pack(void *buf, size_t cap, uint8_t type, uint8_t code,
                        uint32_t rest, const void *quote,
                        size_t quote_length) {
  if (!is_error_type(type) || quote == NULL)
    return -EINVAL;
  /* Refuse to write what sc_icmp4_parse would reject. */
  struct sc_icmp_quote q;
  if (sc__icmp_quote_parse4(quote, quote_length, &q) < 0)
    return -EINVAL;
  int n = sc__icmp_header_pack(buf, cap, type, code, rest, quote,
                               quote_length);
  if (n < 0)
    return n;
  sc__store16_raw(buf, (size_t)n, 2, sc_checksum(buf, (size_t)n));
  return n;
}
