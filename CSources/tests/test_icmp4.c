/*
 * ICMPv4 (RFC 792): echo, and errors parsed with the datagram they quote.
 */
#include <errno.h>

#include "packet_helpers.h"
#include "runner.h"
#include "sockcore.h"

/*
 * An echo request as iputils ping sends it: id 0x1c46, sequence 1, 56 bytes
 * of data = a struct timeval (tv_sec 0x66000000, tv_usec 0x12345, little
 * endian) then the bytes 0x10..0x37. Its checksum 0xd65c was sent to
 * 127.0.0.1 on this machine and the kernel answered (Linux drops echo
 * requests whose checksum does not verify); the reply below carries 0xde5c,
 * which checks by hand: only the first word changed, 0x0800 -> 0x0000, so
 * by RFC 1624 the checksum grows by 0x0800: 0xd65c + 0x0800 = 0xde5c.
 */
static uint8_t ping_payload[56];

static void init_ping_payload(void) {
  static const uint8_t tv[16] = {0x00, 0x00, 0x00, 0x66, 0, 0, 0, 0,
                                 0x45, 0x23, 0x01, 0x00, 0, 0, 0, 0};
  memcpy(ping_payload, tv, 16);
  for (int i = 16; i < 56; i++)
    ping_payload[i] = (uint8_t)i;
}

/* The kernel's reply, with its IPv4 header (see test_ipv4.c). */
static const uint8_t kernel_reply_ip[20] = {
    0x45, 0x00, 0x00, 0x54, 0xcd, 0x3a, 0x00, 0x00, 0x40, 0x01,
    0xaf, 0x6c, 0x7f, 0x00, 0x00, 0x01, 0x7f, 0x00, 0x00, 0x01};

static const uint8_t probe_src[4] = {10, 0, 0, 1};
static const uint8_t probe_dst[4] = {203, 0, 113, 9};

/* An IPv4 header of hl bytes (options are NOPs) with the given protocol. */
static size_t probe_ip(uint8_t *buf, size_t hl, uint8_t protocol,
                       size_t payload_length) {
  static const uint8_t nops[40] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
                                   1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
                                   1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
  struct sc_ipv4 h;
  memset(&h, 0, sizeof h);
  h.header_length = (uint8_t)hl;
  h.total_length = (uint16_t)(hl + payload_length);
  h.id = 0x4242;
  h.ttl = 1;
  h.protocol = protocol;
  h.options = nops;
  memcpy(h.src, probe_src, 4);
  memcpy(h.dst, probe_dst, 4);
  ASSERT_EQ(sc_ipv4_pack(buf, hl, &h), (int)hl);
  return hl;
}

/* Our echo request (id 0x1c46, sequence 7, 56 bytes) inside IPv4. */
static size_t probe_echo(uint8_t *buf, size_t hl) {
  init_ping_payload();
  size_t n = probe_ip(buf, hl, SC_IPPROTO_ICMP, 64);
  ASSERT_EQ(sc_icmp4_echo_pack(buf + n, 64, SC_ICMP_ECHO_REQUEST, 0x1c46, 7,
                               ping_payload, 56),
            64);
  return n + 64;
}

/* Our UDP probe (port 40000 -> 33434, traceroute's first port) in IPv4. */
static size_t probe_udp(uint8_t *buf, size_t hl) {
  size_t n = probe_ip(buf, hl, SC_IPPROTO_UDP, 8 + 32);
  uint8_t payload[32] = {0};
  ASSERT_EQ(sc_udp_pack4(buf + n, 40, probe_src, probe_dst, 40000, 33434,
                         payload, sizeof payload),
            40);
  return n + 40;
}

/* An ICMP error built by hand (for quotes the packer refuses), in an
   exactly-sized heap buffer; checksum from the reference sum. */
static uint8_t *raw_error(uint8_t type, uint8_t code, uint32_t rest,
                          const uint8_t *quote, size_t quote_length) {
  uint8_t b[8 + 600];
  b[0] = type;
  b[1] = code;
  b[2] = b[3] = 0;
  b[4] = (uint8_t)(rest >> 24);
  b[5] = (uint8_t)(rest >> 16);
  b[6] = (uint8_t)(rest >> 8);
  b[7] = (uint8_t)rest;
  memcpy(b + 8, quote, quote_length);
  sc_test_put16(b, 2, sc_test_fold(sc_test_sum(b, 8 + quote_length, 0)));
  return sc_test_exact(b, 8 + quote_length);
}

SC_TEST(icmp4_echo_request_as_ping_sends_it) {
  init_ping_payload();
  uint8_t expect[64] = {0x08, 0x00, 0xd6, 0x5c, 0x1c, 0x46, 0x00, 0x01};
  memcpy(expect + 8, ping_payload, 56);
  uint8_t *b = sc_test_exact(expect, 64);
  memset(b, 0, 64);
  ASSERT_EQ(sc_icmp4_echo_pack(b, 64, SC_ICMP_ECHO_REQUEST, 0x1c46, 1,
                               ping_payload, 56),
            64);
  ASSERT_MEM_EQ(b, expect, 64);

  struct sc_icmp m;
  ASSERT_EQ(sc_icmp4_parse(b, 64, &m), 0);
  ASSERT_EQ(m.type, SC_ICMP_ECHO_REQUEST);
  ASSERT_EQ(m.code, 0);
  ASSERT_EQ(m.kind, SC_ICMP_KIND_ECHO_REQUEST);
  ASSERT(m.checksum_valid);
  ASSERT_MEM_EQ(&m.checksum, "\xd6\x5c", 2);
  ASSERT_EQ(m.id, 0x1c46);
  ASSERT_EQ(m.sequence, 1);
  ASSERT_EQ(m.rest, 0x1c460001);
  ASSERT(m.body == b + 8);
  ASSERT_EQ(m.body_length, 56);
  free(b);
}

SC_TEST(icmp4_echo_reply_from_kernel) {
  init_ping_payload();
  uint8_t d[84];
  memcpy(d, kernel_reply_ip, 20);
  static const uint8_t hdr[8] = {0x00, 0x00, 0xde, 0x5c,
                                 0x1c, 0x46, 0x00, 0x01};
  memcpy(d + 20, hdr, 8);
  memcpy(d + 28, ping_payload, 56);
  uint8_t *b = sc_test_exact(d, sizeof d);
  struct sc_ipv4 ip;
  ASSERT_EQ(sc_ipv4_parse(b, 84, &ip), 0);
  ASSERT(ip.checksum_valid);
  struct sc_icmp m;
  ASSERT_EQ(sc_icmp4_parse(ip.payload, ip.payload_length, &m), 0);
  ASSERT_EQ(m.kind, SC_ICMP_KIND_ECHO_REPLY);
  ASSERT(m.checksum_valid);
  ASSERT_EQ(m.id, 0x1c46);
  ASSERT_EQ(m.sequence, 1);
  ASSERT_MEM_EQ(m.body, ping_payload, 56);
  free(b);
}

SC_TEST(icmp4_echo_round_trip_every_length) {
  uint8_t payload[33], buf[41];
  for (size_t i = 0; i < sizeof payload; i++)
    payload[i] = (uint8_t)(0xf0 ^ i);
  for (size_t n = 0; n <= sizeof payload; n++) {
    int len = sc_icmp4_echo_pack(buf, sizeof buf, SC_ICMP_ECHO_REPLY, 0xffff,
                                 (uint16_t)n, payload, n);
    ASSERT_EQ(len, 8 + (int)n);
    ASSERT_EQ(sc_test_fold(sc_test_sum(buf, (size_t)len, 0)), 0);
    uint8_t *d = sc_test_exact(buf, (size_t)len);
    struct sc_icmp m;
    ASSERT_EQ(sc_icmp4_parse(d, (size_t)len, &m), 0);
    ASSERT(m.checksum_valid);
    ASSERT_EQ(m.kind, SC_ICMP_KIND_ECHO_REPLY);
    ASSERT_EQ(m.id, 0xffff);
    ASSERT_EQ(m.sequence, n);
    ASSERT_EQ(m.body_length, n);
    ASSERT_MEM_EQ(m.body, payload, n);
    free(d);
  }
}

SC_TEST(icmp4_bad_checksum_is_reported_not_rejected) {
  uint8_t b[16];
  ASSERT_EQ(sc_icmp4_echo_pack(b, sizeof b, SC_ICMP_ECHO_REQUEST, 1, 2,
                               "12345678", 8),
            16);
  b[12] ^= 1;
  struct sc_icmp m;
  ASSERT_EQ(sc_icmp4_parse(b, sizeof b, &m), 0);
  ASSERT(!m.checksum_valid);
}

SC_TEST(icmp4_truncated_below_8_rejected) {
  uint8_t full[8];
  ASSERT_EQ(sc_icmp4_echo_pack(full, 8, SC_ICMP_ECHO_REQUEST, 1, 2, NULL, 0),
            8);
  for (size_t n = 0; n < 8; n++) {
    uint8_t *b = sc_test_exact(full, n);
    struct sc_icmp m;
    ASSERT_EQ(sc_icmp4_parse(b, n, &m), -EBADMSG);
    free(b);
  }
}

SC_TEST(icmp4_other_types_header_only) {
  /* Timestamp request (type 13): not echo, not an error. */
  uint8_t b[20] = {13, 0, 0, 0, 0x12, 0x34, 0x00, 0x01};
  sc_test_put16(b, 2, sc_test_fold(sc_test_sum(b, sizeof b, 0)));
  uint8_t *d = sc_test_exact(b, sizeof b);
  struct sc_icmp m;
  ASSERT_EQ(sc_icmp4_parse(d, sizeof b, &m), 0);
  ASSERT_EQ(m.kind, SC_ICMP_KIND_OTHER);
  ASSERT(m.checksum_valid);
  ASSERT_EQ(m.rest, 0x12340001);
  ASSERT_EQ(m.body_length, 12);
  ASSERT_EQ(m.quote.ip_version, 0);
  free(d);
}

/* All 16 destination unreachable codes (RFC 792, RFC 1122, RFC 1812). */
SC_TEST(icmp4_unreachable_all_16_codes) {
  uint8_t probe[100];
  size_t pn = probe_udp(probe, 20);
  for (uint8_t code = 0; code <= SC_ICMP_UNREACH_PRECEDENCE_CUTOFF; code++) {
    uint32_t rest = code == SC_ICMP_UNREACH_NEEDFRAG ? 1400 : 0;
    uint8_t buf[200];
    int n = sc_icmp4_error_pack(buf, sizeof buf, SC_ICMP_DEST_UNREACH, code,
                                rest, probe, pn);
    ASSERT_EQ(n, 8 + (int)pn);
    uint8_t *d = sc_test_exact(buf, (size_t)n);
    struct sc_icmp m;
    ASSERT_EQ(sc_icmp4_parse(d, (size_t)n, &m), 0);
    ASSERT_EQ(m.type, SC_ICMP_DEST_UNREACH);
    ASSERT_EQ(m.code, code);
    ASSERT_EQ(m.kind, SC_ICMP_KIND_ERROR);
    ASSERT(m.checksum_valid);
    ASSERT_EQ(SC_ICMP_MTU(&m), code == SC_ICMP_UNREACH_NEEDFRAG ? 1400 : 0);
    ASSERT_EQ(m.quote.ip_version, 4);
    ASSERT_EQ(m.quote.protocol, SC_IPPROTO_UDP);
    ASSERT_MEM_EQ(m.quote.ipv4.dst, probe_dst, 4);
    ASSERT(m.quote.has_udp);
    ASSERT(!m.quote.has_icmp);
    ASSERT_EQ(m.quote.udp_source_port, 40000);
    ASSERT_EQ(m.quote.udp_destination_port, 33434);
    ASSERT(m.quote.transport == d + 8 + 20);
    ASSERT_EQ(m.quote.transport_length, 40);
    free(d);
  }
}

/* Each error type quoting our echo request: its id and sequence come back. */
SC_TEST(icmp4_every_error_type_quotes_our_echo) {
  static const struct {
    uint8_t type, code;
    uint32_t rest;
  } cases[] = {
      {SC_ICMP_DEST_UNREACH, SC_ICMP_UNREACH_HOST, 0},
      {SC_ICMP_SOURCE_QUENCH, 0, 0},
      {SC_ICMP_REDIRECT, 1, 0xc0000201},       /* gateway 192.0.2.1 */
      {SC_ICMP_TIME_EXCEEDED, 0, 0},           /* TTL exceeded in transit */
      {SC_ICMP_TIME_EXCEEDED, 1, 0},           /* reassembly time exceeded */
      {SC_ICMP_PARAMETER_PROBLEM, 0, 9u << 24} /* pointer: the protocol */
  };
  uint8_t probe[100];
  size_t pn = probe_echo(probe, 20);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    uint8_t buf[200];
    int n = sc_icmp4_error_pack(buf, sizeof buf, cases[i].type, cases[i].code,
                                cases[i].rest, probe, pn);
    ASSERT_EQ(n, 8 + (int)pn);
    uint8_t *d = sc_test_exact(buf, (size_t)n);
    struct sc_icmp m;
    ASSERT_EQ(sc_icmp4_parse(d, (size_t)n, &m), 0);
    ASSERT_EQ(m.type, cases[i].type);
    ASSERT_EQ(m.code, cases[i].code);
    ASSERT_EQ(m.kind, SC_ICMP_KIND_ERROR);
    ASSERT(m.checksum_valid);
    ASSERT_EQ(m.rest, cases[i].rest);
    ASSERT(m.body == d + 8);
    ASSERT_EQ(m.body_length, pn);
    ASSERT_EQ(m.quote.ip_version, 4);
    ASSERT_EQ(m.quote.ipv4.header_length, 20);
    ASSERT_EQ(m.quote.ipv4.ttl, 1);
    ASSERT(m.quote.ipv4.checksum_valid);
    ASSERT(m.quote.has_icmp);
    ASSERT(!m.quote.has_udp);
    ASSERT_EQ(m.quote.icmp_type, SC_ICMP_ECHO_REQUEST);
    ASSERT_EQ(m.quote.icmp_code, 0);
    ASSERT_EQ(m.quote.icmp_id, 0x1c46);
    ASSERT_EQ(m.quote.icmp_sequence, 7);
    if (cases[i].type == SC_ICMP_REDIRECT)
      ASSERT_MEM_EQ(m.rest_bytes, "\xc0\x00\x02\x01", 4);
    if (cases[i].type == SC_ICMP_PARAMETER_PROBLEM)
      ASSERT_EQ(SC_ICMP_POINTER(&m), 9);
    free(d);
  }
}

/*
 * RFC 792: the quote is the IP header and 64 bits of data. Exactly that
 * parses; one byte less is -EBADMSG. With IHL 5 and with options (IHL 6, 15).
 */
SC_TEST(icmp4_quote_minimum_length_and_one_short) {
  static const size_t hls[] = {20, 24, 60};
  for (size_t i = 0; i < 3; i++) {
    uint8_t probe[200];
    size_t hl = hls[i];
    probe_echo(probe, hl);
    uint8_t *d = raw_error(SC_ICMP_TIME_EXCEEDED, 0, 0, probe, hl + 8);
    struct sc_icmp m;
    ASSERT_EQ(sc_icmp4_parse(d, 8 + hl + 8, &m), 0);
    ASSERT(m.checksum_valid);
    ASSERT_EQ(m.quote.ipv4.header_length, hl);
    ASSERT_EQ(m.quote.transport_length, 8);
    ASSERT(m.quote.has_icmp);
    ASSERT_EQ(m.quote.icmp_id, 0x1c46);
    ASSERT_EQ(m.quote.icmp_sequence, 7);
    free(d);

    d = raw_error(SC_ICMP_TIME_EXCEEDED, 0, 0, probe, hl + 7);
    ASSERT_EQ(sc_icmp4_parse(d, 8 + hl + 7, &m), -EBADMSG);
    free(d);

    /* The packer refuses the short quote too, and accepts the minimum. */
    uint8_t buf[100];
    ASSERT_EQ(sc_icmp4_error_pack(buf, sizeof buf, SC_ICMP_TIME_EXCEEDED, 0,
                                  0, probe, hl + 7),
              -EINVAL);
    ASSERT_EQ(sc_icmp4_error_pack(buf, sizeof buf, SC_ICMP_TIME_EXCEEDED, 0,
                                  0, probe, hl + 8),
              (int)(8 + hl + 8));
  }
}

SC_TEST(icmp4_quote_shorter_than_ip_header_rejected) {
  uint8_t probe[100];
  probe_udp(probe, 20);
  for (size_t q = 0; q < 20; q++) {
    uint8_t *d = raw_error(SC_ICMP_DEST_UNREACH, 3, 0, probe, q);
    struct sc_icmp m;
    ASSERT_EQ(sc_icmp4_parse(d, 8 + q, &m), -EBADMSG);
    free(d);
  }
}

SC_TEST(icmp4_quote_ihl_below_5_rejected) {
  uint8_t probe[100];
  size_t pn = probe_udp(probe, 20);
  for (uint8_t ihl = 0; ihl < 5; ihl++) {
    probe[0] = (uint8_t)(0x40 | ihl);
    uint8_t *d = raw_error(SC_ICMP_DEST_UNREACH, 3, 0, probe, pn);
    struct sc_icmp m;
    ASSERT_EQ(sc_icmp4_parse(d, 8 + pn, &m), -EBADMSG);
    free(d);
  }
}

SC_TEST(icmp4_quote_version_not_4_rejected) {
  uint8_t probe[100];
  size_t pn = probe_udp(probe, 20);
  probe[0] = 0x65;
  uint8_t *d = raw_error(SC_ICMP_TIME_EXCEEDED, 0, 0, probe, pn);
  struct sc_icmp m;
  ASSERT_EQ(sc_icmp4_parse(d, 8 + pn, &m), -EBADMSG);
  free(d);
}

/* A quoted IHL of 15 needs 60 header bytes; a 48-byte quote lies. */
SC_TEST(icmp4_quote_ihl_beyond_quote_rejected) {
  uint8_t probe[100];
  probe_udp(probe, 20);
  probe[0] = 0x4f;
  uint8_t *d = raw_error(SC_ICMP_DEST_UNREACH, 1, 0, probe, 48);
  struct sc_icmp m;
  ASSERT_EQ(sc_icmp4_parse(d, 8 + 48, &m), -EBADMSG);
  free(d);
}

/* Routers quote the start of a long datagram: total_length exceeds the quote. */
SC_TEST(icmp4_quote_of_long_datagram_accepted) {
  uint8_t probe[100];
  probe_udp(probe, 20);
  probe[2] = 0x05; /* total_length 1500 */
  probe[3] = 0xdc;
  uint8_t *d = raw_error(SC_ICMP_DEST_UNREACH, SC_ICMP_UNREACH_NEEDFRAG, 1280,
                         probe, 28);
  struct sc_icmp m;
  ASSERT_EQ(sc_icmp4_parse(d, 36, &m), 0);
  ASSERT_EQ(m.quote.ipv4.total_length, 1500);
  ASSERT_EQ(m.quote.ipv4.payload_length, 8);
  ASSERT_EQ(SC_ICMP_MTU(&m), 1280);
  ASSERT(m.quote.has_udp);
  free(d);
}

/* A later fragment starts with payload, not ports: nothing is decoded. */
SC_TEST(icmp4_quote_of_later_fragment_not_decoded) {
  uint8_t probe[100];
  size_t pn = probe_udp(probe, 20);
  probe[6] = 0x00;
  probe[7] = 0xb9; /* offset 185 * 8 = 1480 */
  uint8_t *d = raw_error(SC_ICMP_TIME_EXCEEDED, 1, 0, probe, pn);
  struct sc_icmp m;
  ASSERT_EQ(sc_icmp4_parse(d, 8 + pn, &m), 0);
  ASSERT_EQ(m.quote.protocol, SC_IPPROTO_UDP);
  ASSERT(!m.quote.has_udp);
  ASSERT(!m.quote.has_icmp);
  ASSERT_EQ(m.quote.transport_length, 40);
  free(d);
}

/* A quote of another protocol (TCP): header and bytes, no ports decoded. */
SC_TEST(icmp4_quote_of_other_protocol) {
  uint8_t probe[100];
  size_t pn = probe_ip(probe, 20, 6, 20);
  memset(probe + pn, 0x11, 20);
  uint8_t *d = raw_error(SC_ICMP_DEST_UNREACH, 3, 0, probe, pn + 20);
  struct sc_icmp m;
  ASSERT_EQ(sc_icmp4_parse(d, 8 + pn + 20, &m), 0);
  ASSERT_EQ(m.quote.protocol, 6);
  ASSERT(!m.quote.has_udp && !m.quote.has_icmp);
  free(d);
}

SC_TEST(icmp4_echo_pack_errors) {
  uint8_t b[16];
  ASSERT_EQ(sc_icmp4_echo_pack(b, sizeof b, SC_ICMP_DEST_UNREACH, 1, 1, NULL,
                               0),
            -EINVAL);
  ASSERT_EQ(sc_icmp4_echo_pack(b, sizeof b, 128, 1, 1, NULL, 0), -EINVAL);
  ASSERT_EQ(sc_icmp4_echo_pack(b, 7, SC_ICMP_ECHO_REQUEST, 1, 1, NULL, 0),
            -ENOSPC);
  ASSERT_EQ(sc_icmp4_echo_pack(b, 15, SC_ICMP_ECHO_REQUEST, 1, 1, "12345678",
                               8),
            -ENOSPC);
  ASSERT_EQ(sc_icmp4_echo_pack(b, sizeof b, SC_ICMP_ECHO_REQUEST, 1, 1, NULL,
                               1),
            -EINVAL);
  ASSERT_EQ(sc_icmp4_echo_pack(NULL, 16, SC_ICMP_ECHO_REQUEST, 1, 1, NULL, 0),
            -EINVAL);
  static uint8_t big[65544];
  ASSERT_EQ(sc_icmp4_echo_pack(big, sizeof big, SC_ICMP_ECHO_REQUEST, 1, 1,
                               big + 8, 65527),
            65535);
  ASSERT_EQ(sc_icmp4_echo_pack(big, sizeof big, SC_ICMP_ECHO_REQUEST, 1, 1,
                               big + 8, 65528),
            -EINVAL);
}

SC_TEST(icmp4_error_pack_errors) {
  uint8_t probe[100], b[200];
  size_t pn = probe_udp(probe, 20);
  static const uint8_t not_errors[] = {0, 1, 2, 6, 8, 13, 255};
  for (size_t i = 0; i < sizeof not_errors; i++)
    ASSERT_EQ(sc_icmp4_error_pack(b, sizeof b, not_errors[i], 0, 0, probe, pn),
              -EINVAL);
  ASSERT_EQ(sc_icmp4_error_pack(b, sizeof b, 3, 3, 0, NULL, 28), -EINVAL);
  ASSERT_EQ(sc_icmp4_error_pack(b, 8 + pn - 1, 3, 3, 0, probe, pn), -ENOSPC);
  ASSERT_EQ(sc_icmp4_error_pack(b, 8 + pn, 3, 3, 0, probe, pn), (int)(8 + pn));
}

SC_TEST(icmp4_parse_null_arguments) {
  struct sc_icmp m;
  uint8_t b[8] = {8};
  ASSERT_EQ(sc_icmp4_parse(NULL, 8, &m), -EINVAL);
  ASSERT_EQ(sc_icmp4_parse(b, 8, NULL), -EINVAL);
}
