import Glibc

extension Socket {
    /// Receives one datagram into `buffer` with recvmsg(2), with its
    /// control messages decoded (see `ReceivedMessage`). `.wouldBlock` when
    /// nothing is queued and `waiting` is false, or the socket is
    /// non-blocking.
    public func receiveMessage(into buffer: UnsafeMutableRawBufferPointer, waiting: Bool = true)
        throws(SocketError) -> IOResult<ReceivedMessage>
    {
        var message = ReceivedMessage()
        guard try receiveMessage(into: buffer, message: &message, waiting: waiting).value != nil else {
            return .wouldBlock
        }
        return .processed(message)
    }

    /// `receiveMessage` into a message of the caller's, for a reader of
    /// many datagrams that keeps one message for all of them (a flood
    /// receives tens of thousands): nothing is copied or released per
    /// datagram. Every field of `message` is rewritten; returns the byte
    /// count, also in `message.count`.
    // Inlinable (a prober calls it for every reply), down to the recvmsg
    // below, which stays in this module.
    @inlinable
    public func receiveMessage(
        into buffer: UnsafeMutableRawBufferPointer, message: inout ReceivedMessage,
        waiting: Bool = true
    ) throws(SocketError) -> IOResult<Int> {
        try receiveMessage(
            into: buffer, message: &message, flags: waiting ? 0 : Int32(MSG_DONTWAIT),
            call: "recvmsg")
    }

    /// Reads one entry of the error queue (`MSG_ERRQUEUE`, never waits):
    /// the error in `extendedError`, and in `buffer` the start of the
    /// datagram it is about (for ICMP, the header of the request we sent).
    /// `.wouldBlock` when the queue is empty.
    public func receiveError(into buffer: UnsafeMutableRawBufferPointer)
        throws(SocketError) -> IOResult<ReceivedMessage>
    {
        var message = ReceivedMessage()
        let flags = Int32(MSG_ERRQUEUE) | Int32(MSG_DONTWAIT)
        guard
            try receiveMessage(into: buffer, message: &message, flags: flags, call: "recvmsg(MSG_ERRQUEUE)")
                .value != nil
        else { return .wouldBlock }
        return .processed(message)
    }

    @usableFromInline
    func receiveMessage(
        into buffer: UnsafeMutableRawBufferPointer, message: inout ReceivedMessage,
        flags: Int32, call: String
    ) throws(SocketError) -> IOResult<Int> {
        // What this datagram may not bring is cleared; the rest is written
        // below. (Not `message = ReceivedMessage()`: that copies all of
        // an empty message, sender room included, over it.)
        message.isTruncated = false
        message.kernelTimestamp = nil
        message.hopLimit = nil
        message.errorRecord = nil
        // Room for a timestamp, a hop limit and an extended error with its
        // address, with margin; on the stack.
        return try withUnsafeTemporaryAllocation(byteCount: 512, alignment: MemoryLayout<cmsghdr>.alignment) {
            control throws(SocketError) in
            try receiveMessage(into: buffer, control: control, message: &message, flags: flags, call: call)
        }
    }

    /// recvmsg(2) into `buffer`, the sender and the control messages into
    /// `message`.
    private func receiveMessage(
        into buffer: UnsafeMutableRawBufferPointer, control: UnsafeMutableRawBufferPointer,
        message received: inout ReceivedMessage, flags: Int32,
        call: String
    ) throws(SocketError) -> IOResult<Int> {
        var messageFlags: Int32 = 0
        var controlLength = 0
        let result = try withUnsafeFileDescriptor { descriptor throws(SocketError) in
            try syscall(call) { () -> Int in
                received.senderAddress.withMutableSockAddr { name, nameLength in
                    var vector = iovec(iov_base: buffer.baseAddress, iov_len: buffer.count)
                    return withUnsafeMutablePointer(to: &vector) { vectorPointer in
                        var message = msghdr()
                        message.msg_name = UnsafeMutableRawPointer(name)
                        message.msg_namelen = nameLength.pointee
                        message.msg_iov = vectorPointer
                        message.msg_iovlen = 1
                        message.msg_control = control.baseAddress
                        message.msg_controllen = control.count
                        let count = Glibc.recvmsg(descriptor, &message, flags)
                        nameLength.pointee = message.msg_namelen
                        messageFlags = message.msg_flags
                        controlLength = message.msg_controllen
                        return count
                    }
                }
            }
        }
        guard let count = result.value else { return result }
        received.count = count
        received.isTruncated = messageFlags & Int32(MSG_TRUNC) != 0
        // The kernel never reports more control bytes than it was given
        // room for; clamped all the same, as the walk trusts this length.
        let written = min(controlLength, control.count)
        ControlMessages.decode(UnsafeRawBufferPointer(start: control.baseAddress, count: written), into: &received)
        return result
    }
}

/// Walks control messages as CMSG_FIRSTHDR/CMSG_NXTHDR do (the macros do
/// not import into Swift): a `cmsghdr` (length, level, type), the data, then
/// padding to the next multiple of `size_t`.
enum ControlMessages {
    static let headerSize = MemoryLayout<cmsghdr>.size
    static let alignment = MemoryLayout<Int>.size

    static func decode(_ bytes: UnsafeRawBufferPointer, into message: inout ReceivedMessage) {
        forEach(bytes) { level, type, data in
            switch (level, type) {
            case (SOL_SOCKET, SO_TIMESTAMPNS) where data.count >= MemoryLayout<timespec>.size:
                message.kernelTimestamp = data.loadUnaligned(as: timespec.self)
            case (Int32(IPPROTO_IP), IP_TTL) where data.count >= 4,
                (Int32(IPPROTO_IPV6), IPV6_HOPLIMIT) where data.count >= 4:
                message.hopLimit = Int(data.loadUnaligned(as: Int32.self))
            case (Int32(IPPROTO_IP), IP_RECVERR), (Int32(IPPROTO_IPV6), IPV6_RECVERR):
                message.errorRecord = ExtendedError.Record(data)
            default:
                break
            }
        }
    }

    /// Calls `body` with each message's level, type and data; stops at the
    /// first header whose length is impossible.
    static func forEach(
        _ bytes: UnsafeRawBufferPointer,
        _ body: (Int32, Int32, UnsafeRawBufferPointer) -> Void
    ) {
        var offset = 0
        while offset + headerSize <= bytes.count {
            let length = bytes.loadUnaligned(fromByteOffset: offset, as: Int.self)
            let level = bytes.loadUnaligned(fromByteOffset: offset + alignment, as: Int32.self)
            let type = bytes.loadUnaligned(fromByteOffset: offset + alignment + 4, as: Int32.self)
            guard length >= headerSize, length <= bytes.count - offset else { return }
            body(level, type, UnsafeRawBufferPointer(rebasing: bytes[(offset + headerSize)..<(offset + length)]))
            offset += (length + alignment - 1) / alignment * alignment
        }
    }
}
