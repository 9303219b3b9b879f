import Glibc

extension Socket {
    /// Sends what the kernel will take of `bytes` (send(2)) and returns how
    /// many it took: on a stream socket maybe fewer than asked (see `sendAll`).
    /// `.wouldBlock` when the send buffer is full on a non-blocking socket, or
    /// a send timeout expired. Never raises SIGPIPE: a peer that has gone
    /// gives `EPIPE` (`MSG_NOSIGNAL`).
    public func send(_ bytes: UnsafeRawBufferPointer) throws(SocketError) -> IOResult<Int> {
        try withUnsafeFileDescriptor { descriptor throws(SocketError) in
            try syscall("send") { Glibc.send(descriptor, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL)) }
        }
    }

    /// `send` with `MSG_MORE` when `moreFollows`: the kernel holds a
    /// partial segment back for what the caller sends next (a response's
    /// head before its body goes out with sendfile), as TCP_CORK would,
    /// without two setsockopt calls around it.
    public func send(_ bytes: UnsafeRawBufferPointer, moreFollows: Bool) throws(SocketError) -> IOResult<Int> {
        let flags = Int32(MSG_NOSIGNAL) | (moreFollows ? Int32(MSG_MORE) : 0)
        return try withUnsafeFileDescriptor { descriptor throws(SocketError) in
            try syscall("send") { Glibc.send(descriptor, bytes.baseAddress, bytes.count, flags) }
        }
    }

    public func send(_ bytes: [UInt8]) throws(SocketError) -> IOResult<Int> {
        try bytes.withUnsafeBytes { raw in Result { () throws(SocketError) in try send(raw) } }.get()
    }

    /// Sends every byte, calling send(2) as often as it takes. On a
    /// non-blocking socket it waits with poll(2) while the buffer is full.
    /// On a blocking socket whose send timeout expires it throws `EAGAIN`
    /// (`isTimeout`), some bytes possibly sent.
    public func sendAll(_ bytes: UnsafeRawBufferPointer) throws(SocketError) {
        try Self.sendAll(
            count: bytes.count,
            send: { offset throws(SocketError) in try send(UnsafeRawBufferPointer(rebasing: bytes[offset...])) },
            waitUntilWritable: { () throws(SocketError) in try waitUntilWritableOrTimeOut() }
        )
    }

    public func sendAll(_ bytes: [UInt8]) throws(SocketError) {
        try bytes.withUnsafeBytes { raw in Result { () throws(SocketError) in try sendAll(raw) } }.get()
    }

    /// The loop of `sendAll`, apart from the kernel so tests can drive it:
    /// `send` sends from an offset, `waitUntilWritable` returns when another
    /// send is worth trying. Calls `send` at least once, so an empty datagram
    /// still goes out.
    static func sendAll(
        count: Int,
        send: (Int) throws(SocketError) -> IOResult<Int>,
        waitUntilWritable: () throws(SocketError) -> Void
    ) throws(SocketError) {
        var sent = 0
        repeat {
            switch try send(sent) {
            case .processed(let count): sent += count
            case .wouldBlock: try waitUntilWritable()
            }
        } while sent < count
    }

    /// After a would-block send: waits if the socket is non-blocking; on a
    /// blocking socket the send timeout has expired, which is an error here.
    private func waitUntilWritableOrTimeOut() throws(SocketError) {
        guard try isNonBlocking else { throw SocketError(code: EAGAIN, call: "send") }
        _ = try withUnsafeFileDescriptor { descriptor throws(SocketError) in
            try wait(for: .writable, on: descriptor, until: nil)
        }
    }

    /// Sends one datagram to `address` (sendto(2), `MSG_NOSIGNAL`). With
    /// `waiting` false a full send buffer gives `.wouldBlock` even on a
    /// blocking socket (`MSG_DONTWAIT`).
    public func send(
        _ bytes: UnsafeRawBufferPointer, to address: SocketAddress,
        waiting: Bool = true
    ) throws(SocketError) -> IOResult<Int> {
        let storage = try SocketAddressStorage(address, call: "sendto")
        let flags = Int32(MSG_NOSIGNAL) | (waiting ? 0 : Int32(MSG_DONTWAIT))
        return try withUnsafeFileDescriptor { descriptor throws(SocketError) in
            try syscall("sendto", address.description) {
                storage.withSockAddr {
                    Glibc.sendto(descriptor, bytes.baseAddress, bytes.count, flags, $0, $1)
                }
            }
        }
    }

    public func send(_ bytes: [UInt8], to address: SocketAddress, waiting: Bool = true)
        throws(SocketError) -> IOResult<Int>
    {
        try bytes.withUnsafeBytes { raw in
            Result { () throws(SocketError) in try send(raw, to: address, waiting: waiting) }
        }.get()
    }

    /// Receives into `buffer` (recv(2)) and returns the byte count; 0 is
    /// end-of-file on a stream socket (or an empty datagram). `.wouldBlock`
    /// when nothing is there on a non-blocking socket, or a receive timeout
    /// expired. A datagram longer than `buffer` is cut short (recv(2)).
    public func receive(into buffer: UnsafeMutableRawBufferPointer) throws(SocketError) -> IOResult<Int> {
        try withUnsafeFileDescriptor { descriptor throws(SocketError) in
            try syscall("recv") { Glibc.recv(descriptor, buffer.baseAddress, buffer.count, 0) }
        }
    }

    /// Receives up to `maxCount` bytes; an empty array is end-of-file on a
    /// stream socket.
    public func receive(maxCount: Int) throws(SocketError) -> IOResult<[UInt8]> {
        var result = IOResult<Int>.wouldBlock
        let bytes = try [UInt8](unsafeUninitializedCapacity: maxCount) { buffer, initialized throws(SocketError) in
            result = try receive(into: UnsafeMutableRawBufferPointer(buffer))
            initialized = result.value ?? 0
        }
        return result.value == nil ? .wouldBlock : .processed(bytes)
    }

    /// Receives one datagram and who sent it (recvfrom(2)). The sender is nil
    /// when the kernel names none: on a connected stream socket, or from a
    /// UNIX socket that never bound a path (nobody to reply to).
    public func receiveFrom(into buffer: UnsafeMutableRawBufferPointer)
        throws(SocketError) -> IOResult<(count: Int, sender: SocketAddress?)>
    {
        var sender = SocketAddressStorage()
        let result = try withUnsafeFileDescriptor { descriptor throws(SocketError) in
            try syscall("recvfrom") {
                sender.withMutableSockAddr { Glibc.recvfrom(descriptor, buffer.baseAddress, buffer.count, 0, $0, $1) }
            }
        }
        guard let count = result.value else { return .wouldBlock }
        return .processed((count, sender.address))
    }

    /// Receives one datagram of up to `maxCount` bytes and who sent it.
    public func receiveFrom(maxCount: Int) throws(SocketError) -> IOResult<(bytes: [UInt8], sender: SocketAddress?)> {
        var result = IOResult<(count: Int, sender: SocketAddress?)>.wouldBlock
        let bytes = try [UInt8](unsafeUninitializedCapacity: maxCount) { buffer, initialized throws(SocketError) in
            result = try receiveFrom(into: UnsafeMutableRawBufferPointer(buffer))
            initialized = result.value?.count ?? 0
        }
        guard let sender = result.value?.sender else {
            return result.value == nil ? .wouldBlock : .processed((bytes, nil))
        }
        return .processed((bytes, sender))
    }

    /// Ends one or both directions of a connection (shutdown(2)).
    public func shutdown(_ how: ShutdownHow) throws(SocketError) {
        try withUnsafeFileDescriptor { descriptor throws(SocketError) in
            _ = try syscallValue("shutdown", how.description) { Glibc.shutdown(descriptor, how.rawValue) }
        }
    }
}

extension Socket {
    /// Waits with poll(2) until the socket is readable (data, a connection
    /// to accept, end of file, an error) or `timeout` passes; false on
    /// timeout. A zero timeout only looks.
    public func waitUntilReadable(timeout: Duration) throws(SocketError) -> Bool {
        let deadline = MonotonicInstant.now + timeout
        return try withUnsafeFileDescriptor { descriptor throws(SocketError) in
            try wait(for: .readable, on: descriptor, until: deadline)
        }
    }
}
