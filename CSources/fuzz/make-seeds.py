#!/usr/bin/env python3
"""Write the fuzz seed corpora under CSources/fuzz/corpus/<name>/.

    python3 CSources/fuzz/make-seeds.py

Standard library only; the output is deterministic, so the committed seeds
can be regenerated and diffed. Input layouts, as the fuzz targets read them:
  ipv4   an IPv4 datagram
  ipv6   an IPv6 packet
  udp    16-byte source address, 16-byte destination address (IPv4 uses the
         first 4 bytes of each), then the UDP datagram
  icmp4  an ICMPv4 message (the IP payload)
  icmp6  16-byte source, 16-byte destination, then the ICMPv6 message
Each corpus holds valid messages of every kind, every ICMP error type with a
quote, and a few malformed inputs (named bad-*).
"""
import os
import shutil
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")


def csum(data, start=0):
    """RFC 1071 Internet checksum over big-endian words, as an int."""
    if len(data) % 2:
        data += b"\0"
    s = start + sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def pseudo4(src, dst, proto, length):
    return sum(struct.unpack("!6H", src + dst + struct.pack("!BBH", 0, proto, length)))


def pseudo6(src, dst, nh, length):
    return sum(struct.unpack("!20H", src + dst + struct.pack("!IxxxB", length, nh)))


def ipv4(payload, proto, src=b"\x0a\x00\x00\x01", dst=b"\xcb\x00\x71\x09",
         ttl=64, options=b"", frag=0, total=None):
    hl = 20 + len(options)
    total = hl + len(payload) if total is None else total
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | hl // 4, 0, total, 0x4242, frag,
                    ttl, proto, 0, src, dst) + options
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload


def icmp4(type_, code, rest, body):
    m = struct.pack("!BBHI", type_, code, 0, rest) + body
    return m[:2] + struct.pack("!H", csum(m)) + m[4:]


def udp(src, dst, sport, dport, payload, pseudo):
    n = 8 + len(payload)
    d = struct.pack("!HHHH", sport, dport, n, 0) + payload
    c = csum(d, pseudo(src, dst, 17, n)) or 0xFFFF  # RFC 768: 0 sent as ones
    return d[:6] + struct.pack("!H", c) + d[8:]


def ipv6(payload, nh, src, dst, hop=64, plen=None):
    plen = len(payload) if plen is None else plen
    return struct.pack("!IHBB", 0x60000000, plen, nh, hop) + src + dst + payload


def icmp6(type_, code, rest, body, src, dst):
    m = struct.pack("!BBHI", type_, code, 0, rest) + body
    c = csum(m, pseudo6(src, dst, 58, len(m)))
    return m[:2] + struct.pack("!H", c) + m[4:]


V4_SRC, V4_DST = bytes([192, 0, 2, 1]), bytes([198, 51, 100, 2])
V6_ME = bytes.fromhex("20010db8000000000000000000000001")
V6_TARGET = bytes.fromhex("20010db8000000990000000000000009")
V6_ROUTER = bytes.fromhex("20010db80000000000000000000000fe")
LOOP6 = bytes(15) + b"\x01"
PING = struct.pack("<qq", 0x66000000, 0x12345) + bytes(range(0x10, 0x38))
NOPS = lambda n: b"\x01" * (n - 1) + b"\x00"


def seeds():
    out = {k: {} for k in ("ipv4", "ipv6", "udp", "icmp4", "icmp6")}

    # IPv4: an echo, a UDP probe, options, padding, then malformed ones.
    echo = icmp4(8, 0, 0x1C460001, PING)
    probe_udp = ipv4(udp(b"\x0a\x00\x00\x01", b"\xcb\x00\x71\x09", 40000, 33434,
                         bytes(32), pseudo4), 17, ttl=1)
    probe_echo = ipv4(icmp4(8, 0, 0x1C460007, PING), 1, ttl=1)
    o = out["ipv4"]
    o["echo"] = ipv4(echo, 1)
    o["udp"] = probe_udp
    o["options-ihl6"] = ipv4(b"abcdefgh", 17, options=NOPS(4))
    o["options-ihl15"] = ipv4(b"abcdefgh", 17, options=NOPS(40))
    o["padding"] = ipv4(b"abcd", 17) + bytes(22)
    o["fragment"] = ipv4(b"12345678", 17, frag=0x2000 | 185)
    o["bad-ihl4"] = bytes([0x44]) + o["udp"][1:]
    o["bad-total-too-long"] = o["echo"][:-1]
    o["bad-total-below-ihl"] = o["udp"][:2] + b"\x00\x13" + o["udp"][4:]
    o["bad-truncated"] = o["echo"][:19]
    o["bad-version6"] = bytes([0x65]) + o["udp"][1:]
    o["bad-checksum"] = o["udp"][:10] + b"\xde\xad" + o["udp"][12:]

    # IPv6.
    o = out["ipv6"]
    e6 = icmp6(128, 0, 0x12340007, b"sockworks-ping6!", LOOP6, LOOP6)
    o["echo"] = ipv6(e6, 58, LOOP6, LOOP6)
    o["udp"] = ipv6(udp(V6_ME, V6_TARGET, 5353, 5353, b"hi", pseudo6), 17,
                    V6_ME, V6_TARGET)
    o["quoted-short"] = ipv6(b"12345678", 17, V6_ME, V6_TARGET, plen=1000)
    o["bad-truncated"] = o["echo"][:39]
    o["bad-version4"] = bytes([0x45]) + o["echo"][1:]

    # UDP (with the address prefix).
    o = out["udp"]
    a4 = V4_SRC + bytes(12) + V4_DST + bytes(12)
    a6 = V6_ME + V6_TARGET
    o["v4"] = a4 + udp(V4_SRC, V4_DST, 12345, 53, b"abcd", pseudo4)
    o["v6"] = a6 + udp(V6_ME, V6_TARGET, 5353, 5353, b"hi", pseudo6)
    o["v4-empty"] = a4 + udp(V4_SRC, V4_DST, 1, 2, b"", pseudo4)
    o["v4-no-checksum"] = a4 + struct.pack("!HHHH", 1, 2, 12, 0) + b"wxyz"
    o["v6-zero-checksum"] = a6 + struct.pack("!HHHH", 1, 2, 12, 0) + b"wxyz"
    o["v4-trailing"] = o["v4"] + b"\xff\xff"
    o["bad-length-short"] = a4 + struct.pack("!HHHH", 1, 2, 7, 0) + b"abcd"
    o["bad-length-long"] = a4 + struct.pack("!HHHH", 1, 2, 13, 0) + b"abcd"
    o["bad-truncated"] = a4 + b"\x30\x39\x00\x35\x00"

    # ICMPv4: echo, every error type with a quote, all 16 unreachable codes.
    o = out["icmp4"]
    o["echo-request"] = echo
    o["echo-reply"] = icmp4(0, 0, 0x1C460001, PING)
    o["timestamp"] = icmp4(13, 0, 0x12340001, bytes(12))
    for code in range(16):
        rest = 1400 if code == 4 else 0
        o["unreach-%02d" % code] = icmp4(3, code, rest, probe_udp)
    o["unreach-echo"] = icmp4(3, 1, 0, probe_echo)
    o["source-quench"] = icmp4(4, 0, 0, probe_echo)
    o["redirect"] = icmp4(5, 1, 0xC0000201, probe_echo)
    o["time-exceeded"] = icmp4(11, 0, 0, probe_echo[:28])
    o["time-exceeded-reassembly"] = icmp4(11, 1, 0, probe_udp)
    o["param-problem"] = icmp4(12, 0, 9 << 24, probe_echo)
    with_opts = ipv4(icmp4(8, 0, 0x1C460007, b""), 1, ttl=1, options=NOPS(8))
    o["quote-options-minimum"] = icmp4(11, 0, 0, with_opts[:36])
    o["quote-later-fragment"] = icmp4(11, 1, 0, ipv4(bytes(16), 17, frag=185))
    long_quote = probe_udp[:2] + b"\x05\xdc" + probe_udp[4:28]
    o["quote-of-long-datagram"] = icmp4(3, 4, 1280, long_quote)
    o["bad-quote-one-short"] = icmp4(11, 0, 0, probe_echo[:27])
    o["bad-quote-ihl4"] = icmp4(3, 3, 0, bytes([0x44]) + probe_udp[1:])
    o["bad-quote-version6"] = icmp4(3, 3, 0, bytes([0x65]) + probe_udp[1:])
    o["bad-quote-ihl-beyond"] = icmp4(3, 3, 0, bytes([0x4F]) + probe_udp[1:47])
    o["bad-truncated"] = echo[:7]
    o["bad-checksum"] = echo[:2] + b"\x00\x00" + echo[4:]

    # ICMPv6 (with the address prefix of the carrying IPv6 header).
    o = out["icmp6"]
    q_echo = ipv6(icmp6(128, 0, 0xBEEF0003, b"payload!", V6_ME, V6_TARGET),
                  58, V6_ME, V6_TARGET, hop=1)
    q_udp = ipv6(udp(V6_ME, V6_TARGET, 40001, 33435, b"payload!", pseudo6),
                 17, V6_ME, V6_TARGET, hop=1)
    err = lambda t, c, r, q: V6_ROUTER + V6_ME + icmp6(t, c, r, q, V6_ROUTER, V6_ME)
    o["echo-request"] = LOOP6 + LOOP6 + e6
    o["echo-reply"] = LOOP6 + LOOP6 + icmp6(129, 0, 0x12340007,
                                            b"sockworks-ping6!", LOOP6, LOOP6)
    for code in range(8):
        o["unreach-%d" % code] = err(1, code, 0, q_echo)
    o["packet-too-big"] = err(2, 0, 1280, q_echo)
    o["time-exceeded-udp"] = err(3, 0, 0, q_udp)
    o["time-exceeded-reassembly"] = err(3, 1, 0, q_udp)
    o["param-problem"] = err(4, 1, 6, q_echo)
    o["quote-header-only"] = err(3, 0, 0, q_echo[:40])
    o["quote-upper-7-bytes"] = err(1, 4, 0, q_echo[:47])
    o["quote-behind-fragment-header"] = err(3, 1, 0, q_echo[:6] + b"\x2c" + q_echo[7:])
    o["neighbor-solicitation"] = V6_ME + V6_TARGET + icmp6(
        135, 0, 0, V6_TARGET, V6_ME, V6_TARGET)
    o["bad-quote-one-short"] = err(3, 0, 0, q_echo[:39])
    o["bad-quote-version4"] = err(1, 0, 0, b"\x45" + q_echo[1:])
    o["bad-truncated"] = LOOP6 + LOOP6 + e6[:7]
    o["bad-checksum"] = LOOP6 + LOOP6 + e6[:2] + b"\x00\x00" + e6[4:]
    return out


def main():
    for name, files in seeds().items():
        d = os.path.join(CORPUS, name)
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        for fname, data in sorted(files.items()):
            with open(os.path.join(d, fname), "wb") as f:
                f.write(data)
        print("%-6s %d seeds" % (name, len(files)))


if __name__ == "__main__":
    main()
