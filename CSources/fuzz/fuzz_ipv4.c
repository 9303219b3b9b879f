/*
 * libFuzzer target for sc_ipv4_parse (and sc_ipv4_pack as its inverse).
 * Input: an IPv4 datagram. See make-seeds.py for the seed corpus.
 */
#include "fuzz_common.h"

/* The rules of the header comment, written out independently. */
static int expected(const uint8_t *p, size_t n) {
  if (n < 20 || p[0] >> 4 != 4 || (p[0] & 15) < 5 || (size_t)(p[0] & 15) * 4 > n)
    return -1;
  size_t total = (size_t)p[2] << 8 | p[3];
  if (total < (size_t)(p[0] & 15) * 4 || total > n)
    return -1;
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  /* An exactly-sized heap copy, so that ASan sees a read one byte past it. */
  uint8_t *p = fuzz_copy_input(data, size);
  if (p == NULL)
    return 0;

  struct sc_ipv4 h;
  int rc = sc_ipv4_parse(p, size, &h);
  CHECK(rc == 0 || rc < 0);
  CHECK((rc == 0) == (expected(p, size) == 0));
  if (rc == 0) {
    size_t hl = h.header_length;
    CHECK(hl >= SC_IPV4_HEADER_MIN && hl <= SC_IPV4_HEADER_MAX && hl % 4 == 0);
    CHECK(hl <= h.total_length && h.total_length <= size);
    CHECK(h.payload == p + hl);
    CHECK(h.payload_length == (size_t)h.total_length - hl);
    CHECK(hl == SC_IPV4_HEADER_MIN ? h.options == NULL
                                   : h.options == p + SC_IPV4_HEADER_MIN);
    CHECK(h.checksum_valid == (sc_checksum(p, hl) == 0));
    CHECK(memcmp(&h.checksum, p + 10, 2) == 0);
    CHECK(memcmp(h.src, p + 12, 4) == 0 && memcmp(h.dst, p + 16, 4) == 0);

    /* pack(parse(x)) reproduces the header, with a checksum that verifies;
       it equals the original one whenever that verified (up to 0 vs 0xffff,
       the two zeros of one's complement). */
    uint8_t again[SC_IPV4_HEADER_MAX];
    CHECK(sc_ipv4_pack(again, hl - 1, &h) == -ENOSPC);
    CHECK(sc_ipv4_pack(again, sizeof again, &h) == (int)hl);
    CHECK(memcmp(again, p, 10) == 0);
    CHECK(memcmp(again + 12, p + 12, hl - 12) == 0);
    CHECK(sc_checksum(again, hl) == 0);
    if (h.checksum_valid) {
      uint16_t a, b;
      memcpy(&a, again + 10, 2);
      memcpy(&b, p + 10, 2);
      CHECK(a == b || (uint16_t)(a ^ b) == 0xffff);
    }
    /* And parse(pack(h)) gives h back (as a header-only datagram). */
    struct sc_ipv4 bare = h, h2;
    bare.total_length = (uint16_t)hl;
    CHECK(sc_ipv4_pack(again, sizeof again, &bare) == (int)hl);
    CHECK(sc_ipv4_parse(again, hl, &h2) == 0);
    CHECK(h2.checksum_valid && h2.header_length == hl && h2.tos == h.tos &&
          h2.id == h.id && h2.fragment == h.fragment && h2.ttl == h.ttl &&
          h2.protocol == h.protocol && h2.payload_length == 0);
    CHECK(memcmp(h2.src, h.src, 4) == 0 && memcmp(h2.dst, h.dst, 4) == 0);
    CHECK(hl == SC_IPV4_HEADER_MIN ||
          memcmp(h2.options, h.options, hl - SC_IPV4_HEADER_MIN) == 0);
  }
  free(p);
  return 0;
}
