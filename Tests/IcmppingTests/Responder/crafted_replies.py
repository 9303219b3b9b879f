#!/usr/bin/env python3
"""Answers ICMP echo requests with a chosen bad reply, for icmpping's tests.

Runs in a network namespace of the test's own, whose kernel must not answer
echo requests itself (sysctl net.ipv4.icmp_echo_ignore_all=1). It reads
frames from one interface through an AF_PACKET socket and writes whole
Ethernet frames back, so every byte of the IP header is its own to get
wrong, lengths included (an IP_HDRINCL raw socket would have the kernel
rewrite the total length and the header checksum: raw(7)).

    crafted_replies.py INTERFACE ADDRESS MODE

prints "ready" once it listens and runs until it is killed. MODE is one of:

  normal            a correct reply
  bad-checksum      the ICMP checksum off by one bit pattern
  foreign-id        the echo identifier of another process
  short:N           an echo reply of N ICMP bytes (8 to 15), checksum valid
  ihl4              an IP header length field of 4 (16 bytes)
  total-long        an IP total length 100 bytes beyond the frame
  total-short       an IP total length that ends after 8 bytes of echo data
  options-eol       40 bytes of IP options: end of list, then padding
  options-nop       40 bytes of IP options: no-operation, 40 times
  duplicate:S,S..   every reply; those to sequence numbers S twice
  quote-ours        no reply: destination host unreachable quoting the request
  quote-other-destination   the same, quoting it as if sent elsewhere
  quote-other-id    the same, quoting it with another echo identifier
  quote-short       the same, quoting the IP header and only 4 more bytes
  timestamp-ff      replies; to even sequence numbers with the first 16 data
                    bytes (the sender's timestamp) all 0xFF
"""
import socket
import struct
import sys

ETH_P_IP = 0x0800
PACKET_OUTGOING = 4


def checksum(data: bytes) -> int:
    """RFC 1071: the ones' complement of the ones' complement sum."""
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def icmp(type_: int, code: int, rest: bytes, body: bytes, corrupt: bool = False) -> bytes:
    message = struct.pack("!BBH", type_, code, 0) + rest + body
    value = checksum(message) ^ (0x0F0F if corrupt else 0)
    return message[:2] + struct.pack("!H", value) + message[4:]


def ipv4(source: bytes, destination: bytes, payload: bytes, options: bytes = b"",
         ihl: int | None = None, total: int | None = None) -> bytes:
    header_length = 20 + len(options)
    ihl = header_length // 4 if ihl is None else ihl
    total = header_length + len(payload) if total is None else total
    header = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, total, 0x1234, 0, 64, 1, 0, source, destination) + options
    header = header[:10] + struct.pack("!H", checksum(header)) + header[12:]
    return header + payload


def replies(mode: str, request_ip: bytes, source: bytes, destination: bytes,
            identifier: int, sequence: int, data: bytes) -> list[bytes]:
    """The IP datagrams to send back for one echo request (none, one or two)."""
    def echo(ident=identifier, body=data, corrupt=False):
        return icmp(0, 0, struct.pack("!HH", ident, sequence), body, corrupt)

    def unreachable(quote: bytes) -> bytes:
        return ipv4(destination, source, icmp(3, 1, b"\0\0\0\0", quote))

    name, _, argument = mode.partition(":")
    if name == "normal":
        return [ipv4(destination, source, echo())]
    if name == "bad-checksum":
        return [ipv4(destination, source, echo(corrupt=True))]
    if name == "foreign-id":
        return [ipv4(destination, source, echo(ident=identifier ^ 0x5555))]
    if name == "short":
        return [ipv4(destination, source, echo(body=data[:int(argument) - 8]))]
    if name == "ihl4":
        return [ipv4(destination, source, echo(), ihl=4)]
    if name == "total-long":
        reply = echo()
        return [ipv4(destination, source, reply, total=20 + len(reply) + 100)]
    if name == "total-short":
        return [ipv4(destination, source, echo(), total=20 + 8 + 8)]
    if name == "options-eol":
        return [ipv4(destination, source, echo(), options=b"\0" * 40)]
    if name == "options-nop":
        return [ipv4(destination, source, echo(), options=b"\1" * 40)]
    if name == "duplicate":
        twice = sequence in {int(s) for s in argument.split(",") if s}
        return [ipv4(destination, source, echo())] * (2 if twice else 1)
    if name == "timestamp-ff":
        body = b"\xff" * 16 + data[16:] if sequence % 2 == 0 else data
        return [ipv4(destination, source, echo(body=body))]
    if name.startswith("quote-"):
        quote = request_ip[:28]
        ihl = (quote[0] & 0x0F) * 4
        if name == "quote-other-destination":
            quote = quote[:16] + socket.inet_aton("192.0.2.99") + quote[20:]
        elif name == "quote-other-id":
            quote = quote[:ihl + 4] + struct.pack("!H", identifier ^ 0x5555) + quote[ihl + 6:]
        elif name == "quote-short":
            quote = quote[:ihl + 4]
        elif name != "quote-ours":
            raise SystemExit(f"unknown mode {mode}")
        return [unreachable(quote)]
    raise SystemExit(f"unknown mode {mode}")


def main() -> None:
    interface, address, mode = sys.argv[1:4]
    ours = socket.inet_aton(address)
    replies(mode, bytes(28), b"\0" * 4, ours, 0, 0, b"")  # an unknown mode fails now, not later
    link = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_IP))
    link.bind((interface, ETH_P_IP))
    print("ready", flush=True)
    while True:
        frame, where = link.recvfrom(65535)
        if where[2] == PACKET_OUTGOING or len(frame) < 14 + 20 + 8:
            continue
        packet = frame[14:]
        ihl = (packet[0] & 0x0F) * 4
        total = struct.unpack("!H", packet[2:4])[0]
        if packet[0] >> 4 != 4 or ihl < 20 or packet[9] != 1 or packet[16:20] != ours or total > len(packet):
            continue
        packet = packet[:total]
        message = packet[ihl:]
        if len(message) < 8 or message[0] != 8:
            continue
        identifier, sequence = struct.unpack("!HH", message[4:8])
        ethernet = frame[6:12] + frame[0:6] + frame[12:14]
        for datagram in replies(mode, packet, packet[12:16], ours, identifier, sequence, message[8:]):
            link.send(ethernet + datagram)


if __name__ == "__main__":
    main()
