import Glibc

// The tests' own loopback sockets, in plain Glibc: the tests of the
// executables do not use SocketCore for their side of a connection, so a bug
// there cannot hide itself by being on both sides of a test.

/// 127.0.0.1:PORT.
public func loopbackAddress(port: UInt16) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = UInt32(INADDR_LOOPBACK).bigEndian
    return address
}

private func withSockaddr<R>(_ address: sockaddr_in, _ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
    withUnsafePointer(to: address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
}

/// A loopback socket owned by a test; close it exactly once.
public final class TestSocket {
    public private(set) var fd: Int32

    public init(type: Int32) throws {
        fd = socket(AF_INET, type | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw TestSocketError("socket") }
    }

    deinit { if fd >= 0 { Glibc.close(fd) } }

    public func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }

    /// Binds 127.0.0.1:PORT (0: any free port) and returns the port.
    @discardableResult
    public func bind(port: UInt16 = 0) throws -> UInt16 {
        let rc = withSockaddr(loopbackAddress(port: port)) { Glibc.bind(fd, $0, $1) }
        guard rc == 0 else { throw TestSocketError("bind") }
        return try localPort()
    }

    public func localPort() throws -> UInt16 {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let rc = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard rc == 0 else { throw TestSocketError("getsockname") }
        return UInt16(bigEndian: address.sin_port)
    }

    /// Connects to 127.0.0.1:PORT; returns the errno on failure.
    public func connect(port: UInt16) -> Int32 {
        let rc = withSockaddr(loopbackAddress(port: port)) { Glibc.connect(fd, $0, $1) }
        return rc == 0 ? 0 : errno
    }

    public func setOption<T: BitwiseCopyable>(_ level: Int32, _ name: Int32, _ value: T) throws {
        let rc = withUnsafeBytes(of: value) { setsockopt(fd, level, name, $0.baseAddress, socklen_t($0.count)) }
        guard rc == 0 else {
            throw TestSocketError("setsockopt")
        }
    }

    public func setReceiveTimeout(_ seconds: Int) throws {
        try setOption(SOL_SOCKET, SO_RCVTIMEO, timeval(tv_sec: seconds, tv_usec: 0))
    }

    /// Sends without blocking; returns the bytes taken, 0 when the buffers are full.
    public func sendNonBlocking(_ bytes: [UInt8]) throws -> Int {
        let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT | MSG_NOSIGNAL)) }
        if n >= 0 { return n }
        if errno == EAGAIN || errno == EWOULDBLOCK { return 0 }
        throw TestSocketError("send")
    }

    /// Receives one datagram or chunk without blocking; nil when nothing is queued.
    public func receiveNonBlocking(max: Int = 65536) throws -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: max)
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
        if n >= 0 { return Array(buffer[..<n]) }
        if errno == EAGAIN || errno == EWOULDBLOCK { return nil }
        throw TestSocketError("recv")
    }

    /// Sends all of `bytes`, blocking.
    public func sendAll(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw TestSocketError("send") }
            offset += n
        }
    }

    /// Receives exactly `count` bytes, waiting at most `seconds` for each read.
    public func receive(exactly count: Int, seconds: Int = 5) throws -> [UInt8] {
        try setReceiveTimeout(seconds)
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: count)
        while bytes.count < count {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, count - bytes.count, 0) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw TestSocketError(n == 0 ? "recv: end of stream" : "recv") }
            bytes += buffer[..<n]
        }
        return bytes
    }

    /// O_NONBLOCK on: a connect returns EINPROGRESS, a send or receive EAGAIN.
    public func setNonBlocking() throws {
        let flags = fcntl(fd, F_GETFL)
        guard flags >= 0, fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0 else { throw TestSocketError("fcntl") }
    }

    /// shutdown(SHUT_WR): the peer reads end of file; we can still read.
    public func shutdownWrite() throws(TestSocketError) {
        guard shutdown(fd, Int32(SHUT_WR)) == 0 else { throw TestSocketError("shutdown") }
    }

    /// SO_ERROR: the outcome of a non-blocking connect (0 when connected).
    public func pendingError() -> Int32 {
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0 else { return errno }
        return error
    }

    /// Waits at most `seconds` for end of file; throws if bytes, an error or
    /// the timeout come first.
    public func receiveEndOfStream(seconds: Int = 5) throws {
        try setReceiveTimeout(seconds)
        var byte: UInt8 = 0
        var n: Int
        repeat { n = recv(fd, &byte, 1, 0) } while n < 0 && errno == EINTR
        guard n == 0 else { throw TestSocketError(n > 0 ? "recv: a byte instead of end of stream" : "recv") }
    }

    /// Sets SO_LINGER {on, 0 s} and closes: the kernel sends RST, not FIN.
    public func reset() throws {
        try setOption(SOL_SOCKET, SO_LINGER, linger(l_onoff: 1, l_linger: 0))
        close()
    }
}
