/*
 * ICMPv6 (RFC 4443): echo and errors, checksum over the IPv6 pseudo-header
 * (RFC 8200 section 8.1).
 */
#include <errno.h>

#include "packet_helpers.h"
#include "runner.h"
#include "sockcore.h"

static const uint8_t loopback6[16] = {0, 0, 0, 0, 0, 0, 0, 0,
                                      0, 0, 0, 0, 0, 0, 0, 1};

/*
 * An echo request from ::1 to ::1, id 0x1234, sequence 7, payload
 * "sockworks-ping6!" (16 bytes). The kernel computed its checksum on this
 * machine (raw ICMPv6 socket, captured on lo): 0x249b. By hand:
 *   pseudo-header  0001 (src) + 0001 (dst) + 0018 (length 24) + 003a (58)
 *   ICMPv6 header  8000 + 0000 (checksum) + 1234 + 0007
 *   payload        736f + 636b + 776f + 726b + 732d + 7069 + 6e67 + 3621
 *   = 0x3db61; fold: 0xdb61 + 0x3 = 0xdb64; complement: 0x249b.
 * The kernel's echo reply (type 129) carries 0x239b = 0x249b - 0x0100.
 */
static const uint8_t echo6[24] = {0x80, 0x00, 0x24, 0x9b, 0x12, 0x34,
                                  0x00, 0x07, 's',  'o',  'c',  'k',
                                  'w',  'o',  'r',  'k',  's',  '-',
                                  'p',  'i',  'n',  'g',  '6',  '!'};

static const uint8_t router6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
                                    0,    0,    0,    0,    0, 0, 0, 0xfe};
static const uint8_t me6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
                                0,    0,    0,    0,    0, 0, 0, 0x01};
static const uint8_t target6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0x99,
                                    0,    0,    0,    0,    0, 0, 0, 0x09};

/* Our probe as an error would quote it: IPv6 header then upper layer. */
static size_t probe6(uint8_t *buf, uint8_t next_header) {
  size_t n;
  if (next_header == SC_IPPROTO_ICMPV6) {
    n = (size_t)sc_icmp6_echo_pack(buf + 40, 100, SC_ICMP6_ECHO_REQUEST,
                                   0xbeef, 3, "payload!", 8, me6, target6);
    ASSERT_EQ(n, 16);
  } else {
    n = (size_t)sc_udp_pack6(buf + 40, 100, me6, target6, 40001, 33435,
                             "payload!", 8);
    ASSERT_EQ(n, 16);
  }
  uint8_t h[8] = {0x60, 0, 0, 0, 0, (uint8_t)n, next_header, 1};
  memcpy(buf, h, 8);
  memcpy(buf + 8, me6, 16);
  memcpy(buf + 24, target6, 16);
  return 40 + n;
}

/* An ICMPv6 error from router6 to me6, checksum from the reference sum. */
static uint8_t *error6(uint8_t type, uint8_t code, uint32_t rest,
                       const uint8_t *quote, size_t quote_length) {
  uint8_t b[8 + 1232];
  b[0] = type;
  b[1] = code;
  b[2] = b[3] = 0;
  b[4] = (uint8_t)(rest >> 24);
  b[5] = (uint8_t)(rest >> 16);
  b[6] = (uint8_t)(rest >> 8);
  b[7] = (uint8_t)rest;
  memcpy(b + 8, quote, quote_length);
  size_t n = 8 + quote_length;
  uint32_t sum = sc_test_pseudo6(router6, me6, (uint32_t)n, SC_IPPROTO_ICMPV6);
  sc_test_put16(b, 2, sc_test_fold(sc_test_sum(b, n, sum)));
  return sc_test_exact(b, n);
}

SC_TEST(icmp6_echo_known_vector) {
  uint8_t *b = sc_test_exact(echo6, sizeof echo6);
  memset(b, 0, sizeof echo6);
  ASSERT_EQ(sc_icmp6_echo_pack(b, sizeof echo6, SC_ICMP6_ECHO_REQUEST, 0x1234,
                               7, "sockworks-ping6!", 16, loopback6,
                               loopback6),
            24);
  ASSERT_MEM_EQ(b, echo6, sizeof echo6);
  struct sc_icmp m;
  ASSERT_EQ(sc_icmp6_parse(b, 24, loopback6, loopback6, &m), 0);
  ASSERT_EQ(m.kind, SC_ICMP_KIND_ECHO_REQUEST);
  ASSERT(m.checksum_valid);
  ASSERT_MEM_EQ(&m.checksum, "\x24\x9b", 2);
  ASSERT_EQ(m.id, 0x1234);
  ASSERT_EQ(m.sequence, 7);
  ASSERT(m.body == b + 8);
  ASSERT_EQ(m.body_length, 16);
  free(b);
}

SC_TEST(icmp6_echo_reply_from_kernel) {
  uint8_t r[24];
  memcpy(r, echo6, sizeof r);
  r[0] = SC_ICMP6_ECHO_REPLY;
  r[2] = 0x23;
  uint8_t *b = sc_test_exact(r, sizeof r);
  struct sc_icmp m;
  ASSERT_EQ(sc_icmp6_parse(b, 24, loopback6, loopback6, &m), 0);
  ASSERT_EQ(m.kind, SC_ICMP_KIND_ECHO_REPLY);
  ASSERT(m.checksum_valid);
  ASSERT_EQ(m.id, 0x1234);
  ASSERT_EQ(m.sequence, 7);
  free(b);
}

/* The pseudo-header counts: other addresses, and the sum fails. */
SC_TEST(icmp6_checksum_depends_on_addresses) {
  uint8_t *b = sc_test_exact(echo6, sizeof echo6);
  struct sc_icmp m;
  ASSERT_EQ(sc_icmp6_parse(b, 24, me6, loopback6, &m), 0);
  ASSERT(!m.checksum_valid);
  b[10] ^= 0x20;
  ASSERT_EQ(sc_icmp6_parse(b, 24, loopback6, loopback6, &m), 0);
  ASSERT(!m.checksum_valid);
  free(b);
}

/* Without addresses: the checksum is neither computed nor verified. */
SC_TEST(icmp6_without_addresses) {
  uint8_t b[24];
  memset(b, 0xff, sizeof b);
  ASSERT_EQ(sc_icmp6_echo_pack(b, sizeof b, SC_ICMP6_ECHO_REQUEST, 0x1234, 7,
                               "sockworks-ping6!", 16, NULL, loopback6),
            24);
  ASSERT_EQ(b[2], 0);
  ASSERT_EQ(b[3], 0);
  ASSERT_MEM_EQ(b + 4, echo6 + 4, 20);
  struct sc_icmp m;
  ASSERT_EQ(sc_icmp6_parse(echo6, 24, loopback6, NULL, &m), 0);
  ASSERT(!m.checksum_valid);
  ASSERT_EQ(m.kind, SC_ICMP_KIND_ECHO_REQUEST);
  ASSERT_EQ(m.sequence, 7);
}

SC_TEST(icmp6_echo_round_trip_every_length) {
  uint8_t payload[33], buf[41];
  for (size_t i = 0; i < sizeof payload; i++)
    payload[i] = (uint8_t)(i * 7);
  for (size_t n = 0; n <= sizeof payload; n++) {
    int len = sc_icmp6_echo_pack(buf, sizeof buf, SC_ICMP6_ECHO_REPLY, 9,
                                 (uint16_t)(n + 1000), payload, n, me6,
                                 target6);
    ASSERT_EQ(len, 8 + (int)n);
    uint32_t sum = sc_test_pseudo6(me6, target6, (uint32_t)len, 58);
    ASSERT_EQ(sc_test_fold(sc_test_sum(buf, (size_t)len, sum)), 0);
    uint8_t *d = sc_test_exact(buf, (size_t)len);
    struct sc_icmp m;
    ASSERT_EQ(sc_icmp6_parse(d, (size_t)len, me6, target6, &m), 0);
    ASSERT(m.checksum_valid);
    ASSERT_EQ(m.kind, SC_ICMP_KIND_ECHO_REPLY);
    ASSERT_EQ(m.id, 9);
    ASSERT_EQ(m.sequence, n + 1000);
    ASSERT_MEM_EQ(m.body, payload, n);
    free(d);
  }
}

SC_TEST(icmp6_truncated_below_8_rejected) {
  for (size_t n = 0; n < 8; n++) {
    uint8_t *b = sc_test_exact(echo6, n);
    struct sc_icmp m;
    ASSERT_EQ(sc_icmp6_parse(b, n, loopback6, loopback6, &m), -EBADMSG);
    ASSERT_EQ(sc_icmp6_parse(b, n, NULL, NULL, &m), -EBADMSG);
    free(b);
  }
}

SC_TEST(icmp6_destination_unreachable_quotes_our_echo) {
  uint8_t q[100];
  size_t qn = probe6(q, SC_IPPROTO_ICMPV6);
  for (uint8_t code = 0; code <= 7; code++) {
    uint8_t *d = error6(SC_ICMP6_DEST_UNREACH, code, 0, q, qn);
    struct sc_icmp m;
    ASSERT_EQ(sc_icmp6_parse(d, 8 + qn, router6, me6, &m), 0);
    ASSERT_EQ(m.kind, SC_ICMP_KIND_ERROR);
    ASSERT_EQ(m.code, code);
    ASSERT(m.checksum_valid);
    ASSERT_EQ(m.quote.ip_version, 6);
    ASSERT_EQ(m.quote.protocol, SC_IPPROTO_ICMPV6);
    ASSERT_MEM_EQ(m.quote.ipv6.dst, target6, 16);
    ASSERT_EQ(m.quote.ipv6.hop_limit, 1);
    ASSERT(m.quote.transport == d + 48);
    ASSERT_EQ(m.quote.transport_length, 16);
    ASSERT(m.quote.has_icmp);
    ASSERT(!m.quote.has_udp);
    ASSERT_EQ(m.quote.icmp_type, SC_ICMP6_ECHO_REQUEST);
    ASSERT_EQ(m.quote.icmp_id, 0xbeef);
    ASSERT_EQ(m.quote.icmp_sequence, 3);
    free(d);
  }
}

/* RFC 4443 3.2: the MTU is all 32 bits of bytes 4..7. */
SC_TEST(icmp6_packet_too_big_mtu) {
  uint8_t q[100];
  size_t qn = probe6(q, SC_IPPROTO_ICMPV6);
  uint8_t *d = error6(SC_ICMP6_PACKET_TOO_BIG, 0, 1280, q, qn);
  struct sc_icmp m;
  ASSERT_EQ(sc_icmp6_parse(d, 8 + qn, router6, me6, &m), 0);
  ASSERT_EQ(m.kind, SC_ICMP_KIND_ERROR);
  ASSERT(m.checksum_valid);
  ASSERT_EQ(m.rest, 1280);
  ASSERT_EQ(SC_ICMP_MTU(&m), 1280);
  ASSERT_EQ(m.quote.icmp_id, 0xbeef);
  free(d);
}

SC_TEST(icmp6_time_exceeded_quotes_our_udp) {
  uint8_t q[100];
  size_t qn = probe6(q, SC_IPPROTO_UDP);
  for (uint8_t code = 0; code <= 1; code++) {
    uint8_t *d = error6(SC_ICMP6_TIME_EXCEEDED, code, 0, q, qn);
    struct sc_icmp m;
    ASSERT_EQ(sc_icmp6_parse(d, 8 + qn, router6, me6, &m), 0);
    ASSERT_EQ(m.kind, SC_ICMP_KIND_ERROR);
    ASSERT(m.checksum_valid);
    ASSERT_EQ(m.quote.protocol, SC_IPPROTO_UDP);
    ASSERT(m.quote.has_udp);
    ASSERT(!m.quote.has_icmp);
    ASSERT_EQ(m.quote.udp_source_port, 40001);
    ASSERT_EQ(m.quote.udp_destination_port, 33435);
    free(d);
  }
}

/* RFC 4443 3.4: the pointer is a 32-bit byte offset into the invoking packet. */
SC_TEST(icmp6_parameter_problem_pointer) {
  uint8_t q[100];
  size_t qn = probe6(q, SC_IPPROTO_ICMPV6);
  uint8_t *d = error6(SC_ICMP6_PARAMETER_PROBLEM, 1, 0x00010006, q, qn);
  struct sc_icmp m;
  ASSERT_EQ(sc_icmp6_parse(d, 8 + qn, router6, me6, &m), 0);
  ASSERT_EQ(m.kind, SC_ICMP_KIND_ERROR);
  ASSERT_EQ(m.code, 1);
  ASSERT_EQ(m.rest, 0x00010006);
  ASSERT(m.quote.has_icmp);
  free(d);
}

/* The quote must hold the whole fixed header: 40 bytes parse, 39 do not. */
SC_TEST(icmp6_quote_minimum_length_and_one_short) {
  uint8_t q[100];
  probe6(q, SC_IPPROTO_ICMPV6);
  uint8_t *d = error6(SC_ICMP6_TIME_EXCEEDED, 0, 0, q, 40);
  struct sc_icmp m;
  ASSERT_EQ(sc_icmp6_parse(d, 48, router6, me6, &m), 0);
  ASSERT(m.checksum_valid);
  ASSERT_EQ(m.quote.transport_length, 0);
  ASSERT_EQ(m.quote.ipv6.payload_length, 16);
  ASSERT_EQ(m.quote.ipv6.payload_length_present, 0);
  ASSERT(!m.quote.has_icmp);
  free(d);
  d = error6(SC_ICMP6_TIME_EXCEEDED, 0, 0, q, 39);
  ASSERT_EQ(sc_icmp6_parse(d, 47, router6, me6, &m), -EBADMSG);
  ASSERT_EQ(sc_icmp6_parse(d, 47, NULL, NULL, &m), -EBADMSG);
  free(d);
}

/* The upper-layer header is decoded from 8 bytes on, not from 7. */
SC_TEST(icmp6_quote_upper_layer_needs_8_bytes) {
  uint8_t q[100];
  probe6(q, SC_IPPROTO_ICMPV6);
  uint8_t *d = error6(SC_ICMP6_DEST_UNREACH, 4, 0, q, 48);
  struct sc_icmp m;
  ASSERT_EQ(sc_icmp6_parse(d, 56, router6, me6, &m), 0);
  ASSERT(m.quote.has_icmp);
  ASSERT_EQ(m.quote.icmp_sequence, 3);
  free(d);
  d = error6(SC_ICMP6_DEST_UNREACH, 4, 0, q, 47);
  ASSERT_EQ(sc_icmp6_parse(d, 55, router6, me6, &m), 0);
  ASSERT(!m.quote.has_icmp);
  ASSERT_EQ(m.quote.transport_length, 7);
  free(d);
}

SC_TEST(icmp6_quote_version_not_6_rejected) {
  uint8_t q[100];
  size_t qn = probe6(q, SC_IPPROTO_ICMPV6);
  q[0] = 0x45;
  uint8_t *d = error6(SC_ICMP6_DEST_UNREACH, 0, 0, q, qn);
  struct sc_icmp m;
  ASSERT_EQ(sc_icmp6_parse(d, 8 + qn, router6, me6, &m), -EBADMSG);
  free(d);
}

/* Behind an extension header (a fragment header, 44) nothing is decoded. */
SC_TEST(icmp6_quote_behind_extension_header_not_decoded) {
  uint8_t q[100];
  size_t qn = probe6(q, SC_IPPROTO_ICMPV6);
  q[6] = 44;
  uint8_t *d = error6(SC_ICMP6_TIME_EXCEEDED, 1, 0, q, qn);
  struct sc_icmp m;
  ASSERT_EQ(sc_icmp6_parse(d, 8 + qn, router6, me6, &m), 0);
  ASSERT_EQ(m.quote.protocol, 44);
  ASSERT(!m.quote.has_icmp && !m.quote.has_udp);
  free(d);
}

/* Other types (here a Neighbor Solicitation, 135) are header fields only. */
SC_TEST(icmp6_other_types_header_only) {
  uint8_t b[24] = {135, 0, 0, 0, 0, 0, 0, 0};
  memcpy(b + 8, target6, 16);
  uint32_t sum = sc_test_pseudo6(me6, target6, sizeof b, 58);
  sc_test_put16(b, 2, sc_test_fold(sc_test_sum(b, sizeof b, sum)));
  uint8_t *d = sc_test_exact(b, sizeof b);
  struct sc_icmp m;
  ASSERT_EQ(sc_icmp6_parse(d, sizeof b, me6, target6, &m), 0);
  ASSERT_EQ(m.kind, SC_ICMP_KIND_OTHER);
  ASSERT(m.checksum_valid);
  ASSERT_EQ(m.quote.ip_version, 0);
  free(d);
}

SC_TEST(icmp6_echo_pack_errors) {
  uint8_t b[16];
  ASSERT_EQ(sc_icmp6_echo_pack(b, sizeof b, SC_ICMP_ECHO_REQUEST, 1, 1, NULL,
                               0, me6, target6),
            -EINVAL);
  ASSERT_EQ(sc_icmp6_echo_pack(b, sizeof b, SC_ICMP6_DEST_UNREACH, 1, 1, NULL,
                               0, me6, target6),
            -EINVAL);
  ASSERT_EQ(sc_icmp6_echo_pack(b, 7, SC_ICMP6_ECHO_REQUEST, 1, 1, NULL, 0,
                               me6, target6),
            -ENOSPC);
  ASSERT_EQ(sc_icmp6_echo_pack(b, sizeof b, SC_ICMP6_ECHO_REQUEST, 1, 1, NULL,
                               1, me6, target6),
            -EINVAL);
  ASSERT_EQ(sc_icmp6_echo_pack(NULL, 16, SC_ICMP6_ECHO_REQUEST, 1, 1, NULL, 0,
                               me6, target6),
            -EINVAL);
}

SC_TEST(icmp6_parse_null_arguments) {
  struct sc_icmp m;
  ASSERT_EQ(sc_icmp6_parse(NULL, 24, NULL, NULL, &m), -EINVAL);
  ASSERT_EQ(sc_icmp6_parse(echo6, 24, NULL, NULL, NULL), -EINVAL);
}
