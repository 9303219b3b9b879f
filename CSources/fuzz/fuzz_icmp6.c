/*
 * libFuzzer target for sc_icmp6_parse (and sc_icmp6_echo_pack as its
 * inverse). Input: 16 bytes of source address, 16 of destination, then the
 * ICMPv6 message.
 */
#include "fuzz_common.h"

static bool verifies(const uint8_t *p, size_t n, const uint8_t *src,
                     const uint8_t *dst) {
  uint32_t s = sc_checksum_pseudo_ipv6(src, dst, SC_IPPROTO_ICMPV6,
                                       (uint32_t)n);
  return sc_checksum_fold(sc_checksum_partial(p, n, s)) == 0;
}

static void check_quote(const struct sc_icmp *m) {
  const struct sc_icmp_quote *q = &m->quote;
  const uint8_t *b = m->body;
  CHECK(q->ip_version == 6 && m->body_length >= 40 && b[0] >> 4 == 6);
  CHECK(q->protocol == b[6] && q->ipv6.next_header == b[6]);
  CHECK(memcmp(q->ipv6.src, b + 8, 16) == 0);
  CHECK(memcmp(q->ipv6.dst, b + 24, 16) == 0);
  CHECK(q->transport == b + 40 && q->ipv6.payload == b + 40);
  CHECK(q->transport_length == m->body_length - 40);
  CHECK(q->ipv6.payload_length_present <= q->transport_length);
  bool full = q->transport_length >= 8;
  CHECK(q->has_icmp == (full && q->protocol == SC_IPPROTO_ICMPV6));
  CHECK(q->has_udp == (full && q->protocol == SC_IPPROTO_UDP));
  const uint8_t *t = q->transport;
  if (q->has_icmp)
    CHECK(q->icmp_type == t[0] && q->icmp_code == t[1] &&
          q->icmp_id == (uint16_t)(t[4] << 8 | t[5]) &&
          q->icmp_sequence == (uint16_t)(t[6] << 8 | t[7]));
  if (q->has_udp)
    CHECK(q->udp_source_port == (uint16_t)(t[0] << 8 | t[1]) &&
          q->udp_destination_port == (uint16_t)(t[2] << 8 | t[3]));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 32)
    return 0;
  uint8_t src[16], dst[16];
  memcpy(src, data, 16);
  memcpy(dst, data + 16, 16);
  size -= 32;
  uint8_t *p = fuzz_copy_input(data + 32, size);
  if (p == NULL)
    return 0;

  struct sc_icmp m, bare;
  int rc = sc_icmp6_parse(p, size, src, dst, &m);
  int rc_bare = sc_icmp6_parse(p, size, NULL, dst, &bare);
  bool is_error = size >= 1 && p[0] >= 1 && p[0] <= 4;
  bool ok = size >= 8 && (!is_error || (size >= 48 && p[8] >> 4 == 6));
  CHECK(ok ? rc == 0 : rc == -EBADMSG);
  CHECK(rc == rc_bare);
  if (rc == 0) {
    /* Without addresses: the same message, checksum not judged. */
    CHECK(!bare.checksum_valid);
    CHECK(bare.type == m.type && bare.code == m.code && bare.kind == m.kind);
    CHECK(bare.rest == m.rest && bare.id == m.id &&
          bare.sequence == m.sequence);
    CHECK(bare.body == m.body && bare.body_length == m.body_length);
    CHECK(bare.quote.ip_version == m.quote.ip_version &&
          bare.quote.transport == m.quote.transport &&
          bare.quote.transport_length == m.quote.transport_length &&
          bare.quote.has_icmp == m.quote.has_icmp &&
          bare.quote.icmp_id == m.quote.icmp_id &&
          bare.quote.has_udp == m.quote.has_udp &&
          bare.quote.udp_source_port == m.quote.udp_source_port);

    CHECK(m.type == p[0] && m.code == p[1]);
    CHECK(memcmp(&m.checksum, p + 2, 2) == 0);
    CHECK(memcmp(m.rest_bytes, p + 4, 4) == 0);
    CHECK(m.body == p + 8 && m.body_length == size - 8);
    CHECK(m.checksum_valid == verifies(p, size, src, dst));
    if (m.type == SC_ICMP6_ECHO_REQUEST || m.type == SC_ICMP6_ECHO_REPLY) {
      CHECK(m.kind == (m.type == SC_ICMP6_ECHO_REQUEST
                           ? SC_ICMP_KIND_ECHO_REQUEST
                           : SC_ICMP_KIND_ECHO_REPLY));
      CHECK(m.id == m.rest >> 16 && m.sequence == (uint16_t)m.rest);
      uint8_t *out = malloc(size);
      if (out != NULL) {
        int n = sc_icmp6_echo_pack(out, size, m.type, m.id, m.sequence,
                                   m.body, m.body_length, src, dst);
        CHECK(n == (int)size && out[1] == 0);
        CHECK(memcmp(out + 4, p + 4, size - 4) == 0 && out[0] == p[0]);
        CHECK(verifies(out, size, src, dst));
        if (m.checksum_valid && m.code == 0) {
          uint16_t a, b;
          memcpy(&a, out + 2, 2);
          memcpy(&b, p + 2, 2);
          CHECK(a == b || (uint16_t)(a ^ b) == 0xffff);
        }
        struct sc_icmp m2;
        CHECK(sc_icmp6_parse(out, size, src, dst, &m2) == 0);
        CHECK(m2.checksum_valid && m2.id == m.id && m2.sequence == m.sequence);
        free(out);
      }
    } else if (is_error) {
      CHECK(m.kind == SC_ICMP_KIND_ERROR);
      check_quote(&m);
    } else {
      CHECK(m.kind == SC_ICMP_KIND_OTHER && m.quote.ip_version == 0);
    }
  }
  free(p);
  return 0;
}
