import Glibc

/// A C socket address with its length: what bind, connect and sendto take,
/// and what accept, recvfrom, getsockname and getpeername fill in. The only
/// place where `SocketAddress` meets `sockaddr`.
struct SocketAddressStorage {
    private var storage = sockaddr_storage()
    /// The bytes of `storage` in use. Starts at full size, for the kernel to fill.
    private(set) var length = socklen_t(MemoryLayout<sockaddr_storage>.size)

    /// Room for the kernel to write any address into.
    init() {}

    /// The C form of `address`. A UNIX path that sun_path cannot hold (empty,
    /// a NUL inside, longer than 107 bytes) throws a `SocketError` naming `call`.
    init(_ address: SocketAddress, call: String) throws(SocketError) {
        switch address {
        case .ipv4(let ip, let port):
            var c = sockaddr_in()
            c.sin_family = sa_family_t(AF_INET)
            c.sin_port = port.bigEndian
            c.sin_addr.s_addr = ip.rawValue.bigEndian
            store(c)
        case .ipv6(let ip, let port, let scopeID):
            var c = sockaddr_in6()
            c.sin6_family = sa_family_t(AF_INET6)
            c.sin6_port = port.bigEndian
            ip.withUnsafeBytes { bytes in withUnsafeMutableBytes(of: &c.sin6_addr) { $0.copyMemory(from: bytes) } }
            c.sin6_scope_id = scopeID
            store(c)
        case .unix(let path):
            guard SocketAddress.isValidUnixPath(path) else {
                let tooLong = path.utf8.count > SocketAddress.maximumUnixPathLength
                throw SocketError(code: tooLong ? ENAMETOOLONG : EINVAL, call: call, detail: path)
            }
            var c = sockaddr_un()
            c.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &c.sun_path) { $0.copyBytes(from: path.utf8) }
            store(c)
            // The family, the path and its NUL: the length unix(7) recommends.
            length = socklen_t(Self.unixPathOffset + path.utf8.count + 1)
        }
    }

    /// An address the kernel wrote somewhere else: after a
    /// `sock_extended_err` in an `IP_RECVERR` control message, say.
    init(copying bytes: UnsafeRawBufferPointer) {
        let count = min(bytes.count, MemoryLayout<sockaddr_storage>.size)
        withUnsafeMutableBytes(of: &storage) {
            $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes.prefix(count)))
        }
        length = socklen_t(count)
    }

    private static let unixPathOffset = MemoryLayout<sockaddr_un>.offset(of: \.sun_path)!

    private mutating func store<C>(_ c: C) {
        withUnsafeMutableBytes(of: &storage) { $0.storeBytes(of: c, as: C.self) }
        length = socklen_t(MemoryLayout<C>.size)
    }

    /// The address the kernel wrote, or nil for a family SocketAddress does
    /// not model. An unnamed UNIX socket gives `.unix(path: "")`, and so does
    /// one in Linux's abstract namespace (not supported).
    var address: SocketAddress? {
        // recvfrom writes no address (length 0) on a connected stream socket
        // and for an unnamed UNIX sender.
        guard length >= MemoryLayout<sa_family_t>.size else { return nil }
        return withUnsafeBytes(of: storage) { raw -> SocketAddress? in
            switch Int32(raw.load(as: sa_family_t.self)) {
            case AF_INET where length >= MemoryLayout<sockaddr_in>.size:
                let c = raw.load(as: sockaddr_in.self)
                return .ipv4(
                    IPv4Address(rawValue: UInt32(bigEndian: c.sin_addr.s_addr)),
                    port: UInt16(bigEndian: c.sin_port))
            case AF_INET6 where length >= MemoryLayout<sockaddr_in6>.size:
                let c = raw.load(as: sockaddr_in6.self)
                return .ipv6(
                    IPv6Address(c.sin6_addr), port: UInt16(bigEndian: c.sin6_port),
                    scopeID: c.sin6_scope_id)
            case AF_UNIX:
                let end = min(Int(length), MemoryLayout<sockaddr_un>.size)
                guard end > Self.unixPathOffset else { return .unix(path: "") }
                let path = raw[Self.unixPathOffset..<end].prefix { $0 != 0 }
                return .unix(path: String(decoding: path, as: UTF8.self))
            default:
                return nil
            }
        }
    }

    /// Lends the address to a call that reads it (bind, connect, sendto).
    func withSockAddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        withUnsafeBytes(of: storage) { raw in
            body(raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), length)
        }
    }

    /// Lends room to a call that writes an address (accept, recvfrom,
    /// getsockname); the length is reset to full size before each try.
    mutating func withMutableSockAddr<R>(
        _ body: (UnsafeMutablePointer<sockaddr>, UnsafeMutablePointer<socklen_t>) -> R
    ) -> R {
        var written = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutableBytes(of: &storage) { raw in
            body(raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), &written)
        }
        length = written
        return result
    }
}

extension SocketAddress {
    /// Lends the C form of the address to `body`, for C code that takes a
    /// `struct sockaddr` (the load generator). Throws for a UNIX path that
    /// sun_path cannot hold.
    public func withUnsafeSockAddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> R) throws(SocketError) -> R {
        try SocketAddressStorage(self, call: "sockaddr").withSockAddr(body)
    }
}
