/*
 * UDP parse, pack and verify over IPv4 and IPv6 (RFC 768, RFC 8200 8.1).
 */
#include <errno.h>

#include "packet_helpers.h"
#include "runner.h"
#include "sockcore.h"

static const uint8_t src4[4] = {192, 0, 2, 1};
static const uint8_t dst4[4] = {198, 51, 100, 2};
static const uint8_t src6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
                                 0,    0,    0,    0,    0, 0, 0, 1};
static const uint8_t dst6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
                                 0,    0,    0,    0,    0, 0, 0, 2};

/*
 * 192.0.2.1:12345 -> 198.51.100.2:53, payload "abcd". By hand:
 *   pseudo-header  c000 + 0201 + c633 + 6402 + 0011 (proto) + 000c (length)
 *   UDP header     3039 + 0035 + 000c + 0000 (checksum)
 *   payload        6162 + 6364
 *   = 0x2e193; fold: 0xe193 + 0x2 = 0xe195; complement: 0x1e6a.
 */
static const uint8_t vector4[12] = {0x30, 0x39, 0x00, 0x35, 0x00, 0x0c,
                                    0x1e, 0x6a, 'a',  'b',  'c',  'd'};

/*
 * [2001:db8::1]:5353 -> [2001:db8::2]:5353, payload "hi". By hand:
 *   pseudo-header  2001 + 0db8 + 0001 + 2001 + 0db8 + 0002 (zero words left
 *                  out) + 0000 + 000a (32-bit length) + 0011 (next header)
 *   UDP header     14e9 + 14e9 + 000a + 0000
 *   payload        6869
 *   = 0xedd5 (no carry); complement: 0x122a.
 */
static const uint8_t vector6[10] = {0x14, 0xe9, 0x14, 0xe9, 0x00,
                                    0x0a, 0x12, 0x2a, 'h',  'i'};

SC_TEST(udp_pack4_hand_vector) {
  uint8_t *b = sc_test_exact(vector4, 12);
  memset(b, 0, 12);
  ASSERT_EQ(sc_udp_pack4(b, 12, src4, dst4, 12345, 53, "abcd", 4), 12);
  ASSERT_MEM_EQ(b, vector4, 12);
  ASSERT_EQ(sc_udp_verify4(b, 12, src4, dst4), 0);
  free(b);
}

SC_TEST(udp_pack6_hand_vector) {
  uint8_t *b = sc_test_exact(vector6, 10);
  memset(b, 0, 10);
  ASSERT_EQ(sc_udp_pack6(b, 10, src6, dst6, 5353, 5353, "hi", 2), 10);
  ASSERT_MEM_EQ(b, vector6, 10);
  ASSERT_EQ(sc_udp_verify6(b, 10, src6, dst6), 0);
  free(b);
}

SC_TEST(udp_parse_fields) {
  uint8_t *b = sc_test_exact(vector4, 12);
  struct sc_udp u;
  ASSERT_EQ(sc_udp_parse(b, 12, &u), 0);
  ASSERT_EQ(u.source_port, 12345);
  ASSERT_EQ(u.destination_port, 53);
  ASSERT_EQ(u.length, 12);
  ASSERT_MEM_EQ(&u.checksum, "\x1e\x6a", 2);
  ASSERT(u.payload == b + 8);
  ASSERT_EQ(u.payload_length, 4);
  free(b);
}

SC_TEST(udp_round_trip_every_payload_length) {
  uint8_t payload[64], buf[72];
  for (size_t i = 0; i < sizeof payload; i++)
    payload[i] = (uint8_t)(i * 37 + 1);
  for (size_t n = 0; n <= sizeof payload; n++) {
    int len = sc_udp_pack4(buf, sizeof buf, src4, dst4, 40000, 33434, payload,
                           n);
    ASSERT_EQ(len, 8 + (int)n);
    uint8_t *d = sc_test_exact(buf, (size_t)len);
    struct sc_udp u;
    ASSERT_EQ(sc_udp_parse(d, (size_t)len, &u), 0);
    ASSERT_EQ(u.source_port, 40000);
    ASSERT_EQ(u.destination_port, 33434);
    ASSERT_EQ(u.payload_length, n);
    ASSERT_MEM_EQ(u.payload, payload, n);
    ASSERT_EQ(sc_udp_verify4(d, (size_t)len, src4, dst4), 0);
    free(d);

    len = sc_udp_pack6(buf, sizeof buf, src6, dst6, 40000, 33434, payload, n);
    ASSERT_EQ(len, 8 + (int)n);
    d = sc_test_exact(buf, (size_t)len);
    ASSERT_EQ(sc_udp_verify6(d, (size_t)len, src6, dst6), 0);
    /* Another destination address does not verify. */
    ASSERT_EQ(sc_udp_verify6(d, (size_t)len, src6, src6), -EBADMSG);
    free(d);
  }
}

SC_TEST(udp_payload_built_in_place) {
  uint8_t buf[12];
  memcpy(buf + 8, "abcd", 4);
  ASSERT_EQ(sc_udp_pack4(buf, sizeof buf, src4, dst4, 12345, 53, buf + 8, 4),
            12);
  ASSERT_MEM_EQ(buf, vector4, 12);
}

SC_TEST(udp_corruption_detected) {
  uint8_t *b = sc_test_exact(vector4, 12);
  b[9] ^= 0x40;
  ASSERT_EQ(sc_udp_verify4(b, 12, src4, dst4), -EBADMSG);
  b[9] ^= 0x40;
  static const uint8_t other[4] = {192, 0, 2, 99};
  ASSERT_EQ(sc_udp_verify4(b, 12, other, dst4), -EBADMSG);
  free(b);
}

/*
 * RFC 768: a computed checksum of 0 is transmitted as 0xffff. The payload
 * is chosen so that the words sum to 0xffff, whose complement is 0.
 */
static void zero_sum_payload(const uint8_t *src, const uint8_t *dst,
                             size_t alen, uint8_t payload[2]) {
  /* Words with payload 0000: pseudo-header, ports 1 and 2, length 10 twice. */
  uint32_t sum = sc_test_sum(src, alen, 0);
  sum = sc_test_sum(dst, alen, sum);
  sum += SC_IPPROTO_UDP + 10 + 1 + 2 + 10;
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  uint16_t x = (uint16_t)(0xffff - sum);
  payload[0] = (uint8_t)(x >> 8);
  payload[1] = (uint8_t)x;
}

SC_TEST(udp_computed_zero_sent_as_ffff_ipv4) {
  uint8_t payload[2], buf[10];
  zero_sum_payload(src4, dst4, 4, payload);
  ASSERT_EQ(sc_udp_pack4(buf, sizeof buf, src4, dst4, 1, 2, payload, 2), 10);
  ASSERT_EQ(sc_test_get16(buf, 6), 0xffff);
  ASSERT_EQ(sc_udp_verify4(buf, sizeof buf, src4, dst4), 0);
}

SC_TEST(udp_computed_zero_sent_as_ffff_ipv6) {
  uint8_t payload[2], buf[10];
  zero_sum_payload(src6, dst6, 16, payload);
  ASSERT_EQ(sc_udp_pack6(buf, sizeof buf, src6, dst6, 1, 2, payload, 2), 10);
  ASSERT_EQ(sc_test_get16(buf, 6), 0xffff);
  ASSERT_EQ(sc_udp_verify6(buf, sizeof buf, src6, dst6), 0);
}

/* RFC 768: a received 0 over IPv4 means the sender computed none. */
SC_TEST(udp_zero_checksum_over_ipv4_accepted) {
  uint8_t *b = sc_test_exact(vector4, 12);
  b[6] = b[7] = 0;
  ASSERT_EQ(sc_udp_verify4(b, 12, src4, dst4), 0);
  b[10] = 'X'; /* content is not checked at all */
  ASSERT_EQ(sc_udp_verify4(b, 12, src4, dst4), 0);
  free(b);
}

/* RFC 8200 8.1: over IPv6 a zero checksum is invalid. */
SC_TEST(udp_zero_checksum_over_ipv6_rejected) {
  uint8_t *b = sc_test_exact(vector6, 10);
  b[6] = b[7] = 0;
  ASSERT_EQ(sc_udp_verify6(b, 10, src6, dst6), -EBADMSG);
  free(b);
}

SC_TEST(udp_truncated_header_rejected) {
  for (size_t n = 0; n < 8; n++) {
    uint8_t *b = sc_test_exact(vector4, n);
    struct sc_udp u;
    ASSERT_EQ(sc_udp_parse(b, n, &u), -EBADMSG);
    ASSERT_EQ(sc_udp_verify4(b, n, src4, dst4), -EBADMSG);
    ASSERT_EQ(sc_udp_verify6(b, n, src6, dst6), -EBADMSG);
    free(b);
  }
}

SC_TEST(udp_length_below_8_rejected) {
  for (uint8_t l = 0; l < 8; l++) {
    uint8_t *b = sc_test_exact(vector4, 12);
    b[5] = l;
    struct sc_udp u;
    ASSERT_EQ(sc_udp_parse(b, 12, &u), -EBADMSG);
    ASSERT_EQ(sc_udp_verify4(b, 12, src4, dst4), -EBADMSG);
    free(b);
  }
}

SC_TEST(udp_length_above_len_rejected) {
  uint8_t *b = sc_test_exact(vector4, 11);
  struct sc_udp u;
  ASSERT_EQ(sc_udp_parse(b, 11, &u), -EBADMSG);
  ASSERT_EQ(sc_udp_verify4(b, 11, src4, dst4), -EBADMSG);
  free(b);
}

/* Bytes past the UDP length (IP padding) are not part of the datagram. */
SC_TEST(udp_bytes_past_length_ignored) {
  uint8_t big[16];
  memcpy(big, vector4, 12);
  memset(big + 12, 0xff, 4);
  uint8_t *b = sc_test_exact(big, 16);
  struct sc_udp u;
  ASSERT_EQ(sc_udp_parse(b, 16, &u), 0);
  ASSERT_EQ(u.payload_length, 4);
  ASSERT_EQ(sc_udp_verify4(b, 16, src4, dst4), 0);
  free(b);
}

SC_TEST(udp_pack_errors) {
  uint8_t buf[16];
  ASSERT_EQ(sc_udp_pack4(buf, 11, src4, dst4, 1, 2, "abcd", 4), -ENOSPC);
  ASSERT_EQ(sc_udp_pack6(buf, 7, src6, dst6, 1, 2, NULL, 0), -ENOSPC);
  ASSERT_EQ(sc_udp_pack4(buf, sizeof buf, src4, dst4, 1, 2, NULL, 1), -EINVAL);
  ASSERT_EQ(sc_udp_pack4(NULL, sizeof buf, src4, dst4, 1, 2, NULL, 0),
            -EINVAL);
  ASSERT_EQ(sc_udp_pack4(buf, sizeof buf, NULL, dst4, 1, 2, NULL, 0), -EINVAL);
  ASSERT_EQ(sc_udp_pack6(buf, sizeof buf, src6, NULL, 1, 2, NULL, 0), -EINVAL);
  /* 65535 - 8 bytes of payload is the most; one more is -EINVAL. */
  static uint8_t big[65536];
  ASSERT_EQ(sc_udp_pack4(big, sizeof big, src4, dst4, 1, 2, big + 8, 65527),
            65535);
  ASSERT_EQ(sc_udp_verify4(big, 65535, src4, dst4), 0);
  ASSERT_EQ(sc_udp_pack4(big, sizeof big, src4, dst4, 1, 2, big + 8, 65528),
            -EINVAL);
  ASSERT_EQ(sc_udp_pack6(big, sizeof big, src6, dst6, 1, 2, big + 8, 65528),
            -EINVAL);
  /* The empty datagram fits exactly. */
  ASSERT_EQ(sc_udp_pack6(buf, 8, src6, dst6, 1, 2, NULL, 0), 8);
  ASSERT_EQ(sc_udp_verify6(buf, 8, src6, dst6), 0);
}

SC_TEST(udp_null_arguments) {
  struct sc_udp u;
  ASSERT_EQ(sc_udp_parse(NULL, 8, &u), -EINVAL);
  ASSERT_EQ(sc_udp_parse(vector4, 12, NULL), -EINVAL);
  ASSERT_EQ(sc_udp_verify4(NULL, 12, src4, dst4), -EINVAL);
  ASSERT_EQ(sc_udp_verify4(vector4, 12, NULL, dst4), -EINVAL);
  ASSERT_EQ(sc_udp_verify6(vector6, 10, src6, NULL), -EINVAL);
}
