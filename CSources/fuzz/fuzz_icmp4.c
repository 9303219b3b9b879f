/*
 * libFuzzer target for sc_icmp4_parse (and the echo and error packers as
 * its inverse). Input: an ICMPv4 message (the IP payload).
 */
#include "fuzz_common.h"

static bool is_error(uint8_t t) {
  return t == 3 || t == 4 || t == 5 || t == 11 || t == 12;
}

/* RFC 792's quote rule, written out independently of icmp_quote.c. */
static bool quote_ok(const uint8_t *q, size_t n) {
  if (n < 20 || q[0] >> 4 != 4 || (q[0] & 15) < 5)
    return false;
  size_t hl = (size_t)(q[0] & 15) * 4;
  return hl <= n && n - hl >= 8;
}

static void check_quote(const struct sc_icmp *m) {
  const struct sc_icmp_quote *q = &m->quote;
  size_t hl = q->ipv4.header_length;
  CHECK(q->ip_version == 4 && hl >= 20 && hl <= 60 && hl % 4 == 0);
  CHECK(q->protocol == q->ipv4.protocol);
  CHECK(q->ipv4.options == (hl > 20 ? m->body + 20 : NULL));
  CHECK(q->transport == m->body + hl && q->ipv4.payload == q->transport);
  CHECK(q->transport_length == m->body_length - hl);
  CHECK(q->ipv4.payload_length == q->transport_length);
  CHECK(q->transport_length >= 8);
  bool first = (q->ipv4.fragment & SC_IPV4_OFFSET_MASK) == 0;
  CHECK(q->has_icmp == (first && q->protocol == SC_IPPROTO_ICMP));
  CHECK(q->has_udp == (first && q->protocol == SC_IPPROTO_UDP));
  const uint8_t *t = q->transport;
  if (q->has_icmp)
    CHECK(q->icmp_type == t[0] && q->icmp_code == t[1] &&
          q->icmp_id == (uint16_t)(t[4] << 8 | t[5]) &&
          q->icmp_sequence == (uint16_t)(t[6] << 8 | t[7]));
  if (q->has_udp)
    CHECK(q->udp_source_port == (uint16_t)(t[0] << 8 | t[1]) &&
          q->udp_destination_port == (uint16_t)(t[2] << 8 | t[3]));
}

/* out holds what a packer wrote from m; it must match p but for the
   checksum, verify, and parse back to the same message. */
static void check_repacked(const uint8_t *p, size_t size, const uint8_t *out,
                           int n, const struct sc_icmp *m) {
  CHECK(n == (int)size);
  CHECK(memcmp(out + 4, p + 4, size - 4) == 0 && out[0] == p[0]);
  CHECK(sc_checksum(out, size) == 0);
  struct sc_icmp m2;
  CHECK(sc_icmp4_parse(out, size, &m2) == 0);
  CHECK(m2.checksum_valid && m2.kind == m->kind && m2.rest == m->rest);
  if (m->checksum_valid && m->code == out[1]) {
    uint16_t a, b;
    memcpy(&a, out + 2, 2);
    memcpy(&b, p + 2, 2);
    CHECK(a == b || (uint16_t)(a ^ b) == 0xffff);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  uint8_t *p = fuzz_copy_input(data, size);
  if (p == NULL)
    return 0;

  struct sc_icmp m;
  int rc = sc_icmp4_parse(p, size, &m);
  bool ok = size >= 8 && (!is_error(p[0]) || quote_ok(p + 8, size - 8));
  CHECK(ok ? rc == 0 : rc == -EBADMSG);
  if (rc == 0) {
    CHECK(m.type == p[0] && m.code == p[1]);
    CHECK(memcmp(&m.checksum, p + 2, 2) == 0);
    CHECK(memcmp(m.rest_bytes, p + 4, 4) == 0);
    CHECK(m.rest == ((uint32_t)p[4] << 24 | (uint32_t)p[5] << 16 |
                     (uint32_t)p[6] << 8 | p[7]));
    CHECK(m.body == p + 8 && m.body_length == size - 8);
    CHECK(m.checksum_valid == (sc_checksum(p, size) == 0));

    uint8_t *out = malloc(size);
    if (out == NULL) {
      free(p);
      return 0;
    }
    if (m.type == SC_ICMP_ECHO_REQUEST || m.type == SC_ICMP_ECHO_REPLY) {
      CHECK(m.kind == (m.type == SC_ICMP_ECHO_REQUEST
                           ? SC_ICMP_KIND_ECHO_REQUEST
                           : SC_ICMP_KIND_ECHO_REPLY));
      CHECK(m.id == m.rest >> 16 && m.sequence == (uint16_t)m.rest);
      int n = sc_icmp4_echo_pack(out, size, m.type, m.id, m.sequence, m.body,
                                 m.body_length);
      CHECK(n == (int)size && out[1] == 0);
      out[1] = p[1]; /* the packer writes code 0; compare the rest */
      if (m.code == 0)
        check_repacked(p, size, out, n, &m);
      CHECK(sc_icmp4_echo_pack(out, size - 1, m.type, m.id, m.sequence,
                               m.body, m.body_length) == -ENOSPC);
    } else if (is_error(m.type)) {
      CHECK(m.kind == SC_ICMP_KIND_ERROR);
      check_quote(&m);
      int n = sc_icmp4_error_pack(out, size, m.type, m.code, m.rest, m.body,
                                  m.body_length);
      check_repacked(p, size, out, n, &m);
    } else {
      CHECK(m.kind == SC_ICMP_KIND_OTHER && m.quote.ip_version == 0);
    }
    free(out);
  }
  free(p);
  return 0;
}
