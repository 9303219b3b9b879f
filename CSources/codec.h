/*
 * Internal entry points shared between the codec's files. Not installed;
 * every name here is sc__-prefixed and hidden by -fvisibility=hidden.
 */
#ifndef SC_CODEC_H
#define SC_CODEC_H

#include "sockcore.h"

/*
 * An IPv4 header as quoted by an ICMP error (ipv4.c): version 4, IHL >= 5 and
 * all IHL * 4 bytes present, but total_length is not checked against what
 * is present (see the comment in ipv4.c). payload is every byte after the
 * header, payload_length its length. 0 or -EBADMSG.
 */
int sc__ipv4_parse_quoted(const uint8_t *buf, size_t len, struct sc_ipv4 *out);

/*
 * The 8-byte header common to ICMPv4 and ICMPv6 (icmp_header.c): type, code,
 * checksum, rest, rest_bytes, body; zeroes the rest of *out. 0 or -EBADMSG.
 */
int sc__icmp_header_parse(const uint8_t *buf, size_t len, struct sc_icmp *out);

/*
 * Marks a parsed message as an echo request or reply and takes its id and
 * sequence from bytes 4..7 (RFC 792, RFC 4443 section 4).
 */
void sc__icmp_take_echo(struct sc_icmp *m, bool request);

/*
 * Write an 8-byte ICMP header with bytes 4..7 from rest and a zero checksum,
 * followed by body. Returns the length, -EINVAL (NULL body with a length,
 * over 65535 bytes) or -ENOSPC. The caller computes the checksum.
 */
int sc__icmp_header_pack(uint8_t *buf, size_t cap, uint8_t type, uint8_t code,
                         uint32_t rest, const void *body, size_t body_length);

/*
 * The quoted datagram of an ICMP error (icmp_quote.c). 0 or -EBADMSG when
 * the quote is too short to hold what RFC 792 / RFC 4443 require.
 */
int sc__icmp_quote_parse4(const uint8_t *buf, size_t len,
                          struct sc_icmp_quote *out);
int sc__icmp_quote_parse6(const uint8_t *buf, size_t len,
                          struct sc_icmp_quote *out);

#endif /* SC_CODEC_H */
