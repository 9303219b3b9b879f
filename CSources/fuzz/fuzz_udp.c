/*
 * libFuzzer target for sc_udp_parse, sc_udp_verify4/6 and sc_udp_pack4/6.
 * Input: 16 bytes of source address, 16 of destination (the IPv4 addresses
 * are the first 4 of each), then the UDP datagram.
 */
#include "fuzz_common.h"

/* Re-pack the parsed datagram for one family and compare. */
static void round_trip(const uint8_t *p, const struct sc_udp *u,
                       const uint8_t *src, const uint8_t *dst, bool ipv6,
                       int verified) {
  uint8_t *out = malloc(u->length);
  if (out == NULL)
    return;
  int n = ipv6 ? sc_udp_pack6(out, u->length, src, dst, u->source_port,
                              u->destination_port, u->payload,
                              u->payload_length)
               : sc_udp_pack4(out, u->length, src, dst, u->source_port,
                              u->destination_port, u->payload,
                              u->payload_length);
  CHECK(n == (int)u->length);
  /* A packed checksum is never 0 (RFC 768) and always verifies. */
  CHECK(out[6] != 0 || out[7] != 0);
  CHECK((ipv6 ? sc_udp_verify6(out, u->length, src, dst)
              : sc_udp_verify4(out, u->length, src, dst)) == 0);
  CHECK(memcmp(out, p, 6) == 0);
  CHECK(memcmp(out + 8, p + 8, u->payload_length) == 0);
  /* A datagram that verified with a real checksum is reproduced exactly:
     only 0 and 0xffff are equal in one's complement, and 0 is never sent. */
  if (verified == 0 && u->checksum != 0)
    CHECK(memcmp(out, p, u->length) == 0);
  /* One byte less room is -ENOSPC, and nothing else. */
  CHECK((ipv6 ? sc_udp_pack6(out, u->length - 1u, src, dst, 1, 2, u->payload,
                             u->payload_length)
              : sc_udp_pack4(out, u->length - 1u, src, dst, 1, 2, u->payload,
                             u->payload_length)) == -ENOSPC);
  free(out);
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

  struct sc_udp u;
  int rc = sc_udp_parse(p, size, &u);
  size_t claimed = size >= 8 ? (size_t)p[4] << 8 | p[5] : 0;
  bool ok = size >= 8 && claimed >= 8 && claimed <= size;
  CHECK(ok ? rc == 0 : rc == -EBADMSG);
  int v4 = sc_udp_verify4(p, size, src, dst);
  int v6 = sc_udp_verify6(p, size, src, dst);
  CHECK(v4 == 0 || v4 == -EBADMSG);
  CHECK(v6 == 0 || v6 == -EBADMSG);
  if (rc != 0) {
    CHECK(v4 == -EBADMSG && v6 == -EBADMSG);
  } else {
    CHECK(u.length == claimed);
    CHECK(u.source_port == (uint16_t)(p[0] << 8 | p[1]));
    CHECK(u.destination_port == (uint16_t)(p[2] << 8 | p[3]));
    CHECK(memcmp(&u.checksum, p + 6, 2) == 0);
    CHECK(u.payload == p + 8 && u.payload_length == claimed - 8);
    if (u.checksum == 0)
      CHECK(v4 == 0 && v6 == -EBADMSG);
    round_trip(p, &u, src, dst, false, v4);
    round_trip(p, &u, src, dst, true, v6);
  }
  free(p);
  return 0;
}
