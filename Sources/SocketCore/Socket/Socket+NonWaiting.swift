import Glibc

extension Socket {
    /// Receives into `buffer` (recv(2)); with `waiting` false it never waits,
    /// even on a blocking socket (`MSG_DONTWAIT`): `.wouldBlock` when nothing
    /// is there. For a caller that has already waited with poll(2) and must
    /// not block past its deadline if the bytes went elsewhere meanwhile.
    public func receive(into buffer: UnsafeMutableRawBufferPointer, waiting: Bool)
        throws(SocketError) -> IOResult<Int>
    {
        let flags = waiting ? 0 : Int32(MSG_DONTWAIT)
        return try withUnsafeFileDescriptor { descriptor throws(SocketError) in
            try syscall("recv") { Glibc.recv(descriptor, buffer.baseAddress, buffer.count, flags) }
        }
    }

    /// Sends what fits of `bytes` (send(2), `MSG_NOSIGNAL`); with `waiting`
    /// false it never waits, even on a blocking socket (`MSG_DONTWAIT`): a
    /// blocking send waits until all of `bytes` has gone, however long that
    /// takes, where this one sends what the buffer has room for and returns.
    /// `.wouldBlock` when it has room for nothing.
    public func send(_ bytes: UnsafeRawBufferPointer, waiting: Bool) throws(SocketError) -> IOResult<Int> {
        let flags = Int32(MSG_NOSIGNAL) | (waiting ? 0 : Int32(MSG_DONTWAIT))
        return try withUnsafeFileDescriptor { descriptor throws(SocketError) in
            try syscall("send") { Glibc.send(descriptor, bytes.baseAddress, bytes.count, flags) }
        }
    }
}
