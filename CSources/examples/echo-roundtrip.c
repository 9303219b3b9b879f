/*
 * echo-roundtrip: build an ICMP echo request the way ping does, parse it
 * back, turn it into a reply with an incremental checksum update (RFC 1624),
 * and wrap it in an IPv4 header; every step checked.
 *
 *   cc echo-roundtrip.c $(pkg-config --cflags --libs sockcore) -o echo-roundtrip
 */
#include <stdio.h>
#include <string.h>

#include <sockcore.h>

static int fail(const char *what, int rc) {
  fprintf(stderr, "echo-roundtrip: %s failed (%d)\n", what, rc);
  return 1;
}

int main(void) {
  unsigned char payload[56];
  for (size_t i = 0; i < sizeof payload; i++)
    payload[i] = (unsigned char)i;

  unsigned char packet[SC_IPV4_HEADER_MIN + SC_ICMP_HEADER_LENGTH + sizeof payload];
  unsigned char *icmp = packet + SC_IPV4_HEADER_MIN;
  int len = sc_icmp4_echo_pack(icmp, sizeof packet - SC_IPV4_HEADER_MIN, SC_ICMP_ECHO_REQUEST,
                               0x1234, 1, payload, sizeof payload);
  if (len < 0)
    return fail("sc_icmp4_echo_pack", len);

  struct sc_icmp request;
  int rc = sc_icmp4_parse(icmp, (size_t)len, &request);
  if (rc < 0)
    return fail("sc_icmp4_parse", rc);
  if (request.kind != SC_ICMP_KIND_ECHO_REQUEST || !request.checksum_valid ||
      request.id != 0x1234 || request.sequence != 1 || request.body_length != sizeof payload)
    return fail("request fields", -1);

  /* Type 8 -> 0 changes the first 16-bit word; update instead of re-summing. */
  uint16_t old_word, new_word, check;
  memcpy(&old_word, icmp, 2);
  icmp[0] = SC_ICMP_ECHO_REPLY;
  memcpy(&new_word, icmp, 2);
  memcpy(&check, icmp + 2, 2);
  check = sc_checksum_update16(check, old_word, new_word);
  memcpy(icmp + 2, &check, 2);

  struct sc_ipv4 ip = {
      .header_length = SC_IPV4_HEADER_MIN,
      .total_length = (uint16_t)sizeof packet,
      .ttl = 64,
      .protocol = SC_IPPROTO_ICMP,
      .src = {127, 0, 0, 1},
      .dst = {127, 0, 0, 1},
  };
  rc = sc_ipv4_pack(packet, sizeof packet, &ip);
  if (rc < 0)
    return fail("sc_ipv4_pack", rc);

  struct sc_ipv4 parsed_ip;
  struct sc_icmp reply;
  if ((rc = sc_ipv4_parse(packet, sizeof packet, &parsed_ip)) < 0)
    return fail("sc_ipv4_parse", rc);
  if ((rc = sc_icmp4_parse(parsed_ip.payload, parsed_ip.payload_length, &reply)) < 0)
    return fail("sc_icmp4_parse (reply)", rc);
  if (!parsed_ip.checksum_valid || reply.kind != SC_ICMP_KIND_ECHO_REPLY || !reply.checksum_valid ||
      reply.id != 0x1234 || memcmp(reply.body, payload, sizeof payload) != 0)
    return fail("reply fields", -1);

  printf("echo request and reply of %d bytes round-trip; checksums valid\n", len);
  return 0;
}
