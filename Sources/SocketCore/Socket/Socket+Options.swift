import Glibc

extension Socket {
    /// Sets a socket option (setsockopt(2)).
    public func setOption<Value>(_ option: SocketOption<Value>, to value: Value) throws(SocketError) {
        let bytes = option.encode(value)
        try withUnsafeFileDescriptor { descriptor throws(SocketError) in
            _ = try syscallValue("setsockopt", option.description) {
                setsockopt(descriptor, option.level, option.name, bytes, socklen_t(bytes.count))
            }
        }
    }

    /// Reads a socket option (getsockopt(2)).
    public func option<Value>(_ option: SocketOption<Value>) throws(SocketError) -> Value {
        var bytes = [UInt8](repeating: 0, count: option.size)
        var length = socklen_t(bytes.count)
        try withUnsafeFileDescriptor { descriptor throws(SocketError) in
            _ = try syscallValue("getsockopt", option.description) {
                getsockopt(descriptor, option.level, option.name, &bytes, &length)
            }
        }
        return option.decode(bytes)
    }

    /// Whether calls return `.wouldBlock` instead of waiting (`O_NONBLOCK`).
    public var isNonBlocking: Bool {
        get throws(SocketError) { try statusFlags() & O_NONBLOCK != 0 }
    }

    /// Switches non-blocking mode on or off (fcntl(2) `F_SETFL`, `O_NONBLOCK`).
    public func setNonBlocking(_ on: Bool) throws(SocketError) {
        let flags = try statusFlags()
        let wanted = on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK
        guard wanted != flags else { return }
        try withUnsafeFileDescriptor { descriptor throws(SocketError) in
            _ = try syscallValue("fcntl", "F_SETFL") { fcntl(descriptor, F_SETFL, wanted) }
        }
    }

    private func statusFlags() throws(SocketError) -> Int32 {
        try withUnsafeFileDescriptor { descriptor throws(SocketError) in
            try syscallValue("fcntl", "F_GETFL") { fcntl(descriptor, F_GETFL) }
        }
    }

    /// The address the socket is bound to (getsockname(2)); for an unbound
    /// UNIX socket, `.unix(path: "")`.
    public var localAddress: SocketAddress {
        get throws(SocketError) { try address("getsockname", Glibc.getsockname) }
    }

    /// The address of the connected peer (getpeername(2)); `ENOTCONN` when
    /// there is none.
    public var peerAddress: SocketAddress {
        get throws(SocketError) { try address("getpeername", Glibc.getpeername) }
    }

    private func address(
        _ call: String,
        _ function: (Int32, UnsafeMutablePointer<sockaddr>, UnsafeMutablePointer<socklen_t>) -> Int32
    ) throws(SocketError) -> SocketAddress {
        var storage = SocketAddressStorage()
        try withUnsafeFileDescriptor { descriptor throws(SocketError) in
            _ = try syscallValue(call) { storage.withMutableSockAddr { function(descriptor, $0, $1) } }
        }
        guard let address = storage.address else { throw SocketError(code: EAFNOSUPPORT, call: call) }
        return address
    }
}
