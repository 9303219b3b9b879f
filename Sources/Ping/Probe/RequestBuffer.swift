import SocketCore

/// Room for a run's echo requests, allocated once (a flood sends tens of
/// thousands): the payload, fill written once and the send time over its
/// first 16 bytes per probe, and the request packed from it.
final class RequestBuffer {
    let payload: EchoPayload
    private let data: UnsafeMutableRawBufferPointer
    private let packet: UnsafeMutableRawBufferPointer

    init(_ payload: EchoPayload) {
        self.payload = payload
        data = .allocate(byteCount: max(payload.size, 1), alignment: 8)
        data.copyBytes(from: payload.fill)
        packet = .allocate(byteCount: payload.size + 8, alignment: 8)
    }

    deinit {
        data.deallocate()
        packet.deallocate()
    }

    /// The request `sequence` stamped with `sentAt` (monotonic ns); valid
    /// until the next call. IPv6 leaves the checksum to the kernel, which
    /// computes it on raw and datagram ICMPv6 sockets alike.
    func request(
        _ version: ICMPVersion, identifier: UInt16, sequence: UInt16,
        sentAt: Int64
    ) -> UnsafeRawBufferPointer {
        // Both buffers were allocated for `payload.size`: no slicing needed.
        let payloadBytes = UnsafeMutableRawBufferPointer(start: data.baseAddress, count: payload.size)
        payload.stamp(sentAt, into: payloadBytes)
        // The payload size is checked when options are read, so packing
        // cannot fail.
        let count =
            (try? ICMPMessage.packEcho(
                version, identifier: identifier, sequence: sequence,
                payload: UnsafeRawBufferPointer(payloadBytes), into: packet)) ?? 0
        return UnsafeRawBufferPointer(start: packet.baseAddress, count: count)
    }
}
