/*
 * IPv4 header parse and pack (RFC 791 section 3.1).
 */
#include <errno.h>

#include "packet_helpers.h"
#include "runner.h"
#include "sockcore.h"

/*
 * A real header: the kernel's echo reply to a ping of 127.0.0.1, captured on
 * this machine. Its checksum by hand (RFC 1071), summing 16-bit words with
 * the checksum field as 0:
 *   4500 + 0054 + cd3a + 0000 + 4001 + 0000 + 7f00 + 0001 + 7f00 + 0001
 *   = 0x25091; fold: 0x5091 + 0x2 = 0x5093; complement: 0xaf6c.
 */
static const uint8_t real_header[20] = {
    0x45, 0x00, 0x00, 0x54, 0xcd, 0x3a, 0x00, 0x00, 0x40, 0x01,
    0xaf, 0x6c, 0x7f, 0x00, 0x00, 0x01, 0x7f, 0x00, 0x00, 0x01};

/* The header followed by total_length - 20 = 64 bytes of payload. */
static uint8_t *real_datagram(size_t extra) {
  uint8_t d[84 + 32];
  memset(d, 0xa5, sizeof d);
  memcpy(d, real_header, 20);
  return sc_test_exact(d, 84 + extra);
}

static void hdr_template(struct sc_ipv4 *h) {
  memset(h, 0, sizeof *h);
  h->tos = 0;
  h->total_length = 84;
  h->id = 0xcd3a;
  h->fragment = 0;
  h->ttl = 64;
  h->protocol = SC_IPPROTO_ICMP;
  static const uint8_t lo[4] = {127, 0, 0, 1};
  memcpy(h->src, lo, 4);
  memcpy(h->dst, lo, 4);
}

SC_TEST(ipv4_parse_real_header) {
  uint8_t *d = real_datagram(0);
  struct sc_ipv4 h;
  ASSERT_EQ(sc_ipv4_parse(d, 84, &h), 0);
  ASSERT_EQ(h.header_length, 20);
  ASSERT_EQ(h.tos, 0);
  ASSERT_EQ(h.total_length, 84);
  ASSERT_EQ(h.id, 0xcd3a);
  ASSERT_EQ(h.fragment, 0);
  ASSERT_EQ(h.ttl, 64);
  ASSERT_EQ(h.protocol, SC_IPPROTO_ICMP);
  ASSERT(h.checksum_valid);
  ASSERT_MEM_EQ(&h.checksum, "\xaf\x6c", 2); /* memory order */
  ASSERT_MEM_EQ(h.src, "\x7f\x00\x00\x01", 4);
  ASSERT_MEM_EQ(h.dst, "\x7f\x00\x00\x01", 4);
  ASSERT(h.options == NULL);
  ASSERT(h.payload == d + 20);
  ASSERT_EQ(h.payload_length, 64);
  free(d);
}

SC_TEST(ipv4_pack_real_header) {
  struct sc_ipv4 h;
  hdr_template(&h);
  uint8_t out[20];
  ASSERT_EQ(sc_ipv4_pack(out, sizeof out, &h), 20);
  ASSERT_MEM_EQ(out, real_header, 20);
}

SC_TEST(ipv4_pack_flags_and_fragment_offset) {
  struct sc_ipv4 h;
  hdr_template(&h);
  h.fragment = SC_IPV4_FLAG_MF | 0x0123;
  h.tos = 0xb8;
  uint8_t out[84];
  memset(out, 0, sizeof out);
  ASSERT_EQ(sc_ipv4_pack(out, 20, &h), 20);
  ASSERT_EQ(out[6], 0x21);
  ASSERT_EQ(out[7], 0x23);
  ASSERT_EQ(sc_test_fold(sc_test_sum(out, 20, 0)), 0);
  struct sc_ipv4 p;
  ASSERT_EQ(sc_ipv4_parse(out, sizeof out, &p), 0);
  ASSERT_EQ(p.fragment & SC_IPV4_OFFSET_MASK, 0x0123);
  ASSERT(p.fragment & SC_IPV4_FLAG_MF);
  ASSERT(!(p.fragment & SC_IPV4_FLAG_DF));
  ASSERT_EQ(p.tos, 0xb8);
  ASSERT(p.checksum_valid);
}

SC_TEST(ipv4_bad_checksum_is_reported_not_rejected) {
  uint8_t *d = real_datagram(0);
  d[11] ^= 0x01;
  struct sc_ipv4 h;
  ASSERT_EQ(sc_ipv4_parse(d, 84, &h), 0);
  ASSERT(!h.checksum_valid);
  free(d);
}

/* RFC 791 3.1: options fill IHL * 4 - 20 bytes; every IHL 6..15 round trips. */
SC_TEST(ipv4_options_ihl_6_to_15) {
  for (unsigned ihl = 6; ihl <= 15; ihl++) {
    size_t hl = ihl * 4;
    uint8_t opts[40];
    /* Record Route (type 7) would need sense; NOPs then End of List do not. */
    memset(opts, 0x01, sizeof opts);
    opts[hl - 21] = 0x00;
    struct sc_ipv4 h;
    hdr_template(&h);
    h.header_length = (uint8_t)hl;
    h.options = opts;
    h.total_length = (uint16_t)(hl + 8);
    uint8_t buf[68];
    memset(buf, 0x5a, sizeof buf);
    ASSERT_EQ(sc_ipv4_pack(buf, hl, &h), (int)hl);
    ASSERT_EQ(buf[0], 0x40 | ihl);
    ASSERT_EQ(sc_test_fold(sc_test_sum(buf, hl, 0)), 0);
    uint8_t *d = sc_test_exact(buf, hl + 8);
    struct sc_ipv4 p;
    ASSERT_EQ(sc_ipv4_parse(d, hl + 8, &p), 0);
    ASSERT_EQ(p.header_length, hl);
    ASSERT(p.checksum_valid);
    ASSERT(p.options == d + 20);
    ASSERT_MEM_EQ(p.options, opts, hl - 20);
    ASSERT(p.payload == d + hl);
    ASSERT_EQ(p.payload_length, 8);
    /* Pack the parsed header again: byte for byte the same. */
    uint8_t again[60];
    ASSERT_EQ(sc_ipv4_pack(again, sizeof again, &p), (int)hl);
    ASSERT_MEM_EQ(again, d, hl);
    free(d);
  }
}

/* Link-layer padding (an Ethernet minimum frame) past total_length. */
SC_TEST(ipv4_total_length_below_len_padding_ignored) {
  uint8_t *d = real_datagram(18);
  struct sc_ipv4 h;
  ASSERT_EQ(sc_ipv4_parse(d, 84 + 18, &h), 0);
  ASSERT_EQ(h.payload_length, 64);
  free(d);
}

SC_TEST(ipv4_total_length_above_len_rejected) {
  uint8_t *d = real_datagram(0);
  struct sc_ipv4 h;
  ASSERT_EQ(sc_ipv4_parse(d, 83, &h), -EBADMSG);
  free(d);
}

SC_TEST(ipv4_truncated_below_20_rejected) {
  for (size_t n = 0; n < 20; n++) {
    uint8_t *d = sc_test_exact(real_header, n);
    struct sc_ipv4 h;
    ASSERT_EQ(sc_ipv4_parse(d, n, &h), -EBADMSG);
    free(d);
  }
}

SC_TEST(ipv4_ihl_below_5_rejected) {
  for (uint8_t ihl = 0; ihl < 5; ihl++) {
    uint8_t *d = real_datagram(0);
    d[0] = (uint8_t)(0x40 | ihl);
    struct sc_ipv4 h;
    ASSERT_EQ(sc_ipv4_parse(d, 84, &h), -EBADMSG);
    free(d);
  }
}

SC_TEST(ipv4_version_not_4_rejected) {
  static const uint8_t versions[] = {0, 5, 6, 15};
  for (size_t i = 0; i < sizeof versions; i++) {
    uint8_t *d = real_datagram(0);
    d[0] = (uint8_t)(versions[i] << 4 | 5);
    struct sc_ipv4 h;
    ASSERT_EQ(sc_ipv4_parse(d, 84, &h), -EBADMSG);
    free(d);
  }
}

/* IHL 15 claims 60 header bytes; only 40 are there. */
SC_TEST(ipv4_ihl_beyond_len_rejected) {
  uint8_t b[40];
  memset(b, 0, sizeof b);
  memcpy(b, real_header, 20);
  b[0] = 0x4f;
  b[2] = 0;
  b[3] = 40;
  uint8_t *d = sc_test_exact(b, 40);
  struct sc_ipv4 h;
  ASSERT_EQ(sc_ipv4_parse(d, 40, &h), -EBADMSG);
  free(d);
}

SC_TEST(ipv4_total_length_below_header_length_rejected) {
  uint8_t *d = real_datagram(0);
  d[2] = 0;
  d[3] = 19;
  struct sc_ipv4 h;
  ASSERT_EQ(sc_ipv4_parse(d, 84, &h), -EBADMSG);
  /* Exactly the header length: a datagram with no payload is fine. */
  d[3] = 20;
  ASSERT_EQ(sc_ipv4_parse(d, 84, &h), 0);
  ASSERT_EQ(h.payload_length, 0);
  free(d);
}

SC_TEST(ipv4_parse_leaves_out_untouched_on_failure) {
  struct sc_ipv4 h;
  memset(&h, 0x77, sizeof h);
  struct sc_ipv4 before = h;
  ASSERT_EQ(sc_ipv4_parse(real_header, 19, &h), -EBADMSG);
  ASSERT_MEM_EQ(&h, &before, sizeof h);
}

SC_TEST(ipv4_null_arguments) {
  struct sc_ipv4 h;
  hdr_template(&h);
  uint8_t b[20];
  ASSERT_EQ(sc_ipv4_parse(NULL, 20, &h), -EINVAL);
  ASSERT_EQ(sc_ipv4_parse(real_header, 20, NULL), -EINVAL);
  ASSERT_EQ(sc_ipv4_pack(NULL, 20, &h), -EINVAL);
  ASSERT_EQ(sc_ipv4_pack(b, 20, NULL), -EINVAL);
}

SC_TEST(ipv4_pack_rejects_impossible_headers) {
  struct sc_ipv4 h;
  uint8_t opts[40] = {0};
  uint8_t b[64];
  static const uint8_t bad_lengths[] = {4, 16, 21, 22, 23, 62, 64, 255};
  for (size_t i = 0; i < sizeof bad_lengths; i++) {
    hdr_template(&h);
    h.header_length = bad_lengths[i];
    h.options = opts;
    ASSERT_EQ(sc_ipv4_pack(b, sizeof b, &h), -EINVAL);
  }
  hdr_template(&h);
  h.header_length = 24; /* options missing */
  ASSERT_EQ(sc_ipv4_pack(b, sizeof b, &h), -EINVAL);
  hdr_template(&h);
  h.total_length = 19;
  ASSERT_EQ(sc_ipv4_pack(b, sizeof b, &h), -EINVAL);
  hdr_template(&h);
  h.header_length = 24;
  h.options = opts;
  h.total_length = 23;
  ASSERT_EQ(sc_ipv4_pack(b, sizeof b, &h), -EINVAL);
}

SC_TEST(ipv4_pack_enospc) {
  struct sc_ipv4 h;
  hdr_template(&h);
  uint8_t *b = sc_test_exact(real_header, 19);
  ASSERT_EQ(sc_ipv4_pack(b, 19, &h), -ENOSPC);
  free(b);
  uint8_t opts[4] = {1, 1, 1, 0};
  h.header_length = 24;
  h.options = opts;
  b = sc_test_exact(real_header, 20);
  ASSERT_EQ(sc_ipv4_pack(b, 20, &h), -ENOSPC);
  free(b);
}

/* header_length 0 means 20; options are then ignored. */
SC_TEST(ipv4_pack_header_length_zero_means_20) {
  struct sc_ipv4 h;
  hdr_template(&h);
  h.header_length = 0;
  h.options = (const uint8_t *)"\x01\x01\x01\x00";
  uint8_t *b = sc_test_exact(real_header, 20);
  memset(b, 0, 20);
  ASSERT_EQ(sc_ipv4_pack(b, 20, &h), 20);
  ASSERT_MEM_EQ(b, real_header, 20);
  free(b);
}
