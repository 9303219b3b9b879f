/*
 * The original datagram quoted by an ICMP error: its IP header and the
 * start of its transport header, which is what ties the error to the probe
 * that caused it (our echo id and sequence, or our UDP ports).
 */
#include <errno.h>
#include <string.h>

#include "codec.h"
#include "wire.h"

/*
 * The first 8 transport bytes hold the UDP ports, or the ICMP type, code,
 * id and sequence of a quoted echo (RFC 792 asks for "the first 64 data
 * bits" precisely so that these can be matched).
 */
static void decode_transport(struct sc_icmp_quote *q, uint8_t icmp_protocol) {
  const uint8_t *t = q->transport;
  size_t n = q->transport_length;
  if (n < 8)
    return;
  if (q->protocol == icmp_protocol) {
    q->has_icmp = true;
    q->icmp_type = sc__load8(t, n, 0);
    q->icmp_code = sc__load8(t, n, 1);
    q->icmp_id = sc__load16(t, n, 4);
    q->icmp_sequence = sc__load16(t, n, 6);
  } else if (q->protocol == SC_IPPROTO_UDP) {
    q->has_udp = true;
    q->udp_source_port = sc__load16(t, n, 0);
    q->udp_destination_port = sc__load16(t, n, 2);
  }
}

int sc__icmp_quote_parse4(const uint8_t *buf, size_t len,
                          struct sc_icmp_quote *out) {
  struct sc_icmp_quote q;
  memset(&q, 0, sizeof q);
  int rc = sc__ipv4_parse_quoted(buf, len, &q.ipv4);
  if (rc < 0)
    return rc;
  /* RFC 792: "Internet Header + 64 bits of Original Data Datagram". */
  if (q.ipv4.payload_length < 8)
    return -EBADMSG;
  q.ip_version = 4;
  q.protocol = q.ipv4.protocol;
  q.transport = q.ipv4.payload;
  q.transport_length = q.ipv4.payload_length;
  /* Only a first fragment (offset 0) starts with the transport header; a
     later one starts with payload bytes that merely look like ports. */
  if ((q.ipv4.fragment & SC_IPV4_OFFSET_MASK) == 0)
    decode_transport(&q, SC_IPPROTO_ICMP);
  *out = q;
  return 0;
}

int sc__icmp_quote_parse6(const uint8_t *buf, size_t len,
                          struct sc_icmp_quote *out) {
  struct sc_icmp_quote q;
  memset(&q, 0, sizeof q);
  /* RFC 4443 section 3: every error carries "as much of invoking packet as
     possible", so at least its whole fixed header; the upper-layer header
     is decoded only when its 8 bytes made it. Extension headers are not
     walked: behind one (next_header 0, 43, 44, 60, ...) nothing is decoded. */
  int rc = sc_ipv6_parse(buf, len, &q.ipv6);
  if (rc < 0)
    return rc;
  q.ip_version = 6;
  q.protocol = q.ipv6.next_header;
  q.transport = q.ipv6.payload;
  q.transport_length = len - SC_IPV6_HEADER_LENGTH;
  decode_transport(&q, SC_IPPROTO_ICMPV6);
  *out = q;
  return 0;
}
