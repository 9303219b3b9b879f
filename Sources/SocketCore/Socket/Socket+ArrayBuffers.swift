extension Socket {
    /// Receives into the whole of a reusable array (recv(2)): the count is
    /// how many of its first bytes were filled; 0 means end of stream.
    public func receive(into buffer: inout [UInt8]) throws(SocketError) -> IOResult<Int> {
        let result = buffer.withUnsafeMutableBytes { raw in
            Result { () throws(SocketError) in try receive(into: raw) }
        }
        return try result.get()
    }

    /// Receives one datagram into the whole of a reusable array (recvfrom(2)).
    public func receiveFrom(into buffer: inout [UInt8])
        throws(SocketError) -> IOResult<(count: Int, sender: SocketAddress?)>
    {
        let result = buffer.withUnsafeMutableBytes { raw in
            Result { () throws(SocketError) in try receiveFrom(into: raw) }
        }
        return try result.get()
    }

    /// Sends the first `count` bytes of an array, all of them (see `sendAll`).
    public func sendAll(_ buffer: [UInt8], count: Int) throws(SocketError) {
        precondition(count <= buffer.count, "count beyond the buffer")
        let result = buffer.withUnsafeBytes { raw in
            Result { () throws(SocketError) in try sendAll(UnsafeRawBufferPointer(rebasing: raw[..<count])) }
        }
        try result.get()
    }
}
