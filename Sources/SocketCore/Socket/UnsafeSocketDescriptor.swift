import Glibc

/// A socket's descriptor used without the socket's use count, for the one
/// owner that alone closes the socket (a server's loop, or its connection
/// thread): receive and send straight on the number, without the lock
/// `Socket` takes on every call so that a close from another thread never
/// races a call in progress. Other threads may still shut the socket down
/// (a grace period's end does), which is safe: shutdown does not release the
/// number.
///
/// Unsafe because nothing checks that promise: a use after the socket is
/// closed acts on whatever the number names then.
public struct UnsafeSocketDescriptor: Sendable {
    public let rawValue: Int32

    /// Borrows `socket`'s descriptor; the caller keeps the socket open for as
    /// long as it uses this.
    public init(borrowing socket: Socket) {
        rawValue = socket.withUnsafeFileDescriptor { $0 }
    }

    /// recv(2), as `Socket.receive(into:)`.
    public func receive(into buffer: UnsafeMutableRawBufferPointer) throws(SocketError) -> IOResult<Int> {
        try syscall("recv") { Glibc.recv(rawValue, buffer.baseAddress, buffer.count, 0) }
    }

    /// send(2) with MSG_NOSIGNAL, as `Socket.send(_:)`.
    public func send(_ bytes: UnsafeRawBufferPointer) throws(SocketError) -> IOResult<Int> {
        try syscall("send") { Glibc.send(rawValue, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL)) }
    }
}
