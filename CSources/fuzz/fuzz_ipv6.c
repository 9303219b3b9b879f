/*
 * libFuzzer target for sc_ipv6_parse. Input: an IPv6 packet.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  uint8_t *p = fuzz_copy_input(data, size);
  if (p == NULL)
    return 0;

  struct sc_ipv6 h;
  int rc = sc_ipv6_parse(p, size, &h);
  bool ok = size >= SC_IPV6_HEADER_LENGTH && p[0] >> 4 == 6;
  CHECK(ok ? rc == 0 : rc == -EBADMSG);
  if (rc == 0) {
    size_t present = size - SC_IPV6_HEADER_LENGTH;
    CHECK(h.payload == p + SC_IPV6_HEADER_LENGTH);
    CHECK(h.payload_length_present <= present);
    CHECK(h.payload_length_present ==
          (h.payload_length < present ? h.payload_length : present));
    CHECK(h.traffic_class == (uint8_t)((p[0] << 4) | (p[1] >> 4)));
    CHECK(h.flow_label ==
          ((uint32_t)(p[1] & 15) << 16 | (uint32_t)p[2] << 8 | p[3]));
    CHECK(h.payload_length == ((uint16_t)(p[4] << 8 | p[5])));
    CHECK(h.next_header == p[6] && h.hop_limit == p[7]);
    CHECK(memcmp(h.src, p + 8, 16) == 0 && memcmp(h.dst, p + 24, 16) == 0);
  }
  free(p);
  return 0;
}
