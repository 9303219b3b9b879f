/*
 * IPv6 fixed header parse (RFC 8200 section 3).
 */
#include <errno.h>

#include "packet_helpers.h"
#include "runner.h"
#include "sockcore.h"

/*
 * An ICMPv6 echo request from ::1 to ::1 as the kernel sent it on this
 * machine (a raw ICMPv6 socket, captured on lo): flow label 0x3a04f, payload
 * length 24, next header 58, hop limit 64.
 */
static const uint8_t real_packet[64] = {
    0x60, 0x03, 0xa0, 0x4f, 0x00, 0x18, 0x3a, 0x40, 0, 0, 0, 0, 0, 0, 0, 0,
    0,    0,    0,    0,    0,    0,    0,    1,    0, 0, 0, 0, 0, 0, 0, 0,
    0,    0,    0,    0,    0,    0,    0,    1,    0x80, 0x00, 0x24, 0x9b,
    0x12, 0x34, 0x00, 0x07, 's',  'o',  'c',  'k',  'w',  'o',  'r',  'k',
    's',  '-',  'p',  'i',  'n',  'g',  '6',  '!'};

static const uint8_t loopback6[16] = {0, 0, 0, 0, 0, 0, 0, 0,
                                      0, 0, 0, 0, 0, 0, 0, 1};

SC_TEST(ipv6_parse_real_header) {
  uint8_t *d = sc_test_exact(real_packet, sizeof real_packet);
  struct sc_ipv6 h;
  ASSERT_EQ(sc_ipv6_parse(d, sizeof real_packet, &h), 0);
  ASSERT_EQ(h.traffic_class, 0);
  ASSERT_EQ(h.flow_label, 0x3a04f);
  ASSERT_EQ(h.payload_length, 24);
  ASSERT_EQ(h.next_header, SC_IPPROTO_ICMPV6);
  ASSERT_EQ(h.hop_limit, 64);
  ASSERT_MEM_EQ(h.src, loopback6, 16);
  ASSERT_MEM_EQ(h.dst, loopback6, 16);
  ASSERT(h.payload == d + 40);
  ASSERT_EQ(h.payload_length_present, 24);
  free(d);
}

/* Traffic class straddles the first two bytes: 0x6abcdef1 -> tc 0xab. */
SC_TEST(ipv6_traffic_class_and_flow_label) {
  uint8_t b[40];
  memcpy(b, real_packet, 40);
  b[0] = 0x6a;
  b[1] = 0xbc;
  b[2] = 0xde;
  b[3] = 0xf1;
  b[4] = b[5] = 0;
  uint8_t *d = sc_test_exact(b, 40);
  struct sc_ipv6 h;
  ASSERT_EQ(sc_ipv6_parse(d, 40, &h), 0);
  ASSERT_EQ(h.traffic_class, 0xab);
  ASSERT_EQ(h.flow_label, 0xcdef1);
  ASSERT_EQ(h.payload_length_present, 0);
  ASSERT(h.payload == d + 40);
  free(d);
}

SC_TEST(ipv6_truncated_below_40_rejected) {
  for (size_t n = 0; n < 40; n++) {
    uint8_t *d = sc_test_exact(real_packet, n);
    struct sc_ipv6 h;
    ASSERT_EQ(sc_ipv6_parse(d, n, &h), -EBADMSG);
    free(d);
  }
}

SC_TEST(ipv6_version_not_6_rejected) {
  static const uint8_t versions[] = {0, 4, 7, 15};
  for (size_t i = 0; i < sizeof versions; i++) {
    uint8_t *d = sc_test_exact(real_packet, sizeof real_packet);
    d[0] = (uint8_t)(versions[i] << 4);
    struct sc_ipv6 h;
    ASSERT_EQ(sc_ipv6_parse(d, sizeof real_packet, &h), -EBADMSG);
    free(d);
  }
}

/* A quoted packet claims more than is there: not an error, present says. */
SC_TEST(ipv6_payload_length_above_present) {
  uint8_t *d = sc_test_exact(real_packet, 50);
  struct sc_ipv6 h;
  ASSERT_EQ(sc_ipv6_parse(d, 50, &h), 0);
  ASSERT_EQ(h.payload_length, 24);
  ASSERT_EQ(h.payload_length_present, 10);
  free(d);
}

SC_TEST(ipv6_payload_length_below_present) {
  uint8_t b[80];
  memset(b, 0xee, sizeof b);
  memcpy(b, real_packet, sizeof real_packet);
  uint8_t *d = sc_test_exact(b, sizeof b);
  struct sc_ipv6 h;
  ASSERT_EQ(sc_ipv6_parse(d, sizeof b, &h), 0);
  ASSERT_EQ(h.payload_length_present, 24);
  free(d);
}

SC_TEST(ipv6_null_arguments) {
  struct sc_ipv6 h;
  ASSERT_EQ(sc_ipv6_parse(NULL, 40, &h), -EINVAL);
  ASSERT_EQ(sc_ipv6_parse(real_packet, 40, NULL), -EINVAL);
}
