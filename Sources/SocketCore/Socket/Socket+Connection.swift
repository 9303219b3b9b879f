import CSystemShims
import Glibc

extension Socket {
    /// Binds the socket to `address` (bind(2)).
    ///
    /// For a UNIX path: if the path is taken by a stale socket file (a socket
    /// file nobody answers on, left by a server that died), the file is
    /// removed and the bind retried; a regular file or a live server's socket
    /// is never removed, and the bind fails with `EADDRINUSE`. The file this
    /// bind creates is removed again by `close()`, in this process only.
    public func bind(to address: SocketAddress) throws(SocketError) {
        let storage = try SocketAddressStorage(address, call: "bind")
        guard case .unix(let path) = address else {
            return try bind(storage, address)
        }
        do throws(SocketError) {
            try bind(storage, address)
        } catch  where error.code == EADDRINUSE {
            guard try UnixSocketFile.removeIfStale(path, type: type) else { throw error }
            try bind(storage, address)
        }
        adopt(UnixSocketFile.created(at: path))
    }

    private func bind(_ storage: SocketAddressStorage, _ address: SocketAddress) throws(SocketError) {
        try withUnsafeFileDescriptor { descriptor throws(SocketError) in
            _ = try syscallValue("bind", address.description) {
                storage.withSockAddr { Glibc.bind(descriptor, $0, $1) }
            }
        }
    }

    /// Starts accepting connections (listen(2)). The kernel caps `backlog` at
    /// net.core.somaxconn.
    public func listen(backlog: Int32 = SOMAXCONN) throws(SocketError) {
        try withUnsafeFileDescriptor { descriptor throws(SocketError) in
            _ = try syscallValue("listen", String(backlog)) { Glibc.listen(descriptor, backlog) }
        }
    }

    /// Takes the next connection (accept4(2) with `SOCK_CLOEXEC`). The new
    /// socket is in blocking mode whatever the listener's mode, unless
    /// `nonBlocking` asks for `O_NONBLOCK` (set atomically, which saves an
    /// event-loop server two fcntl calls per connection). Returns
    /// `.wouldBlock` when none is waiting on a non-blocking listener, or when
    /// a receive timeout expires.
    public func accept(nonBlocking: Bool = false) throws(SocketError) -> IOResult<Socket> {
        try acceptWithPeer(nonBlocking: nonBlocking).value.map { .processed($0.socket) } ?? .wouldBlock
    }

    /// `accept`, with the peer's address as accept4(2) reports it (saving
    /// the getpeername call a server would otherwise make). A UNIX-domain
    /// client that never bound a path has the address `.unix(path: "")`.
    public func acceptWithPeer(nonBlocking: Bool = false) throws(SocketError)
        -> IOResult<(socket: Socket, peer: SocketAddress)>
    {
        let flags = Int32(SOCK_CLOEXEC.rawValue) | (nonBlocking ? Int32(SOCK_NONBLOCK.rawValue) : 0)
        var peer = SocketAddressStorage()
        let result = try withUnsafeFileDescriptor { descriptor throws(SocketError) in
            try syscall("accept4") {
                peer.withMutableSockAddr { fromNegativeErrno(shim_accept4(descriptor, $0, $1, flags)) }
            }
        }
        guard case .processed(let descriptor) = result else { return .wouldBlock }
        let socket = Socket(adopting: descriptor, family: family, type: type)
        return .processed((socket, peer.address ?? .unix(path: "")))
    }

    /// Connects to `address` (connect(2)).
    ///
    /// With a `timeout`, the connect runs in non-blocking mode and waits with
    /// poll(2); the socket's mode is restored afterwards. When the timeout
    /// expires this throws `ETIMEDOUT`, and the socket is left half-connected:
    /// close it. Without a timeout a blocking socket waits as long as the
    /// kernel does, and a non-blocking socket returns `.wouldBlock` when the
    /// connect is under way (`EINPROGRESS`): wait until it is writable, then
    /// read `SocketOption.pendingError`.
    ///
    /// A UNIX-domain listener with a full backlog refuses a non-blocking
    /// connect with `EAGAIN` at once (unix(7)); that is thrown, not waited for.
    @discardableResult
    public func connect(to address: SocketAddress, timeout: Duration? = nil) throws(SocketError) -> IOResult<Void> {
        let storage = try SocketAddressStorage(address, call: "connect")
        guard let timeout else {
            guard case .wouldBlock = try startConnect(storage, address) else { return .processed(()) }
            if try isNonBlocking { return .wouldBlock }
            // A blocking connect interrupted by a signal: the kernel goes on.
            try finishConnect(address, deadline: nil)
            return .processed(())
        }
        precondition(timeout >= .zero, "a negative connect timeout")
        let deadline = MonotonicInstant.now.advanced(by: timeout)
        let wasNonBlocking = try isNonBlocking
        if !wasNonBlocking { try setNonBlocking(true) }
        defer { if !wasNonBlocking { restoreBlocking() } }
        if case .wouldBlock = try startConnect(storage, address) {
            try finishConnect(address, deadline: deadline)
        }
        return .processed(())
    }

    /// One connect(2). `.wouldBlock` means the connection is under way:
    /// `EINPROGRESS`, or `EINTR` (see `InterruptPolicy.wouldBlock`).
    private func startConnect(_ storage: SocketAddressStorage, _ address: SocketAddress)
        throws(SocketError) -> IOResult<Int32>
    {
        try withUnsafeFileDescriptor { descriptor throws(SocketError) in
            try syscall("connect", address.description, interrupt: .wouldBlock, wouldBlock: [EINPROGRESS]) {
                storage.withSockAddr { Glibc.connect(descriptor, $0, $1) }
            }
        }
    }

    /// Waits for a connect under way to finish, and throws its outcome.
    private func finishConnect(_ address: SocketAddress, deadline: MonotonicInstant?) throws(SocketError) {
        let ready = try withUnsafeFileDescriptor { descriptor throws(SocketError) in
            try wait(for: .writable, on: descriptor, until: deadline)
        }
        guard ready else { throw SocketError(code: ETIMEDOUT, call: "connect", detail: address.description) }
        let code = try option(.pendingError)
        if code != 0 { throw SocketError(code: code, call: "connect", detail: address.description) }
    }

    /// Back to blocking mode after a timed connect. fcntl(F_SETFL) on a
    /// descriptor we own has no failure a caller could act on.
    private func restoreBlocking() {
        do { try setNonBlocking(false) } catch { assertionFailure("restoring blocking mode: \(error)") }
    }
}
