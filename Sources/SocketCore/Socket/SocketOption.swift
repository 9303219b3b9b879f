import Glibc

/// A socket option with its C level and name, and the Swift type of its value.
///
///     try socket.setOption(.reuseAddress, to: true)
///     let size = try socket.option(.receiveBufferSize)
public struct SocketOption<Value: Sendable>: Sendable, CustomStringConvertible {
    /// The protocol level, e.g. `SOL_SOCKET` or `IPPROTO_TCP`.
    public let level: Int32
    /// The option name, e.g. `SO_REUSEADDR`.
    public let name: Int32
    /// The C name, for error messages: `setsockopt(SO_REUSEADDR): ...`.
    public let description: String
    /// Converts between `Value` and the bytes setsockopt/getsockopt pass.
    let encode: @Sendable (Value) -> [UInt8]
    let decode: @Sendable ([UInt8]) -> Value
    let size: Int
}

extension SocketOption where Value == Int32 {
    /// An option whose value is a C `int`.
    public static func integer(level: Int32, name: Int32, description: String) -> Self {
        SocketOption(
            level: level, name: name, description: description,
            encode: { value in withUnsafeBytes(of: value) { Array($0) } },
            decode: { bytes in bytes.withUnsafeBytes { $0.loadUnaligned(as: Int32.self) } },
            size: MemoryLayout<Int32>.size)
    }

    /// The error of a non-blocking connect once it has finished, 0 for none;
    /// reading it clears it. The corresponding C constant is `SO_ERROR`.
    public static var pendingError: Self { .integer(level: SOL_SOCKET, name: SO_ERROR, description: "SO_ERROR") }
}

extension SocketOption where Value == Bool {
    /// An on/off option whose value is a C `int`.
    public static func flag(level: Int32, name: Int32, description: String) -> Self {
        let int = SocketOption<Int32>.integer(level: level, name: name, description: description)
        return SocketOption(
            level: level, name: name, description: description,
            encode: { int.encode($0 ? 1 : 0) }, decode: { int.decode($0) != 0 },
            size: int.size)
    }

    /// Bind to a port with connections in TIME_WAIT, so a restarted server
    /// does not wait minutes. The corresponding C constant is `SO_REUSEADDR`.
    public static var reuseAddress: Self { .flag(level: SOL_SOCKET, name: SO_REUSEADDR, description: "SO_REUSEADDR") }

    /// Let several sockets bind the same address and port; the kernel spreads
    /// connections among them. The corresponding C constant is `SO_REUSEPORT`.
    public static var reusePort: Self { .flag(level: SOL_SOCKET, name: SO_REUSEPORT, description: "SO_REUSEPORT") }

    /// Send small segments at once instead of waiting to coalesce them
    /// (Nagle's algorithm off); TCP only. The corresponding C constant is
    /// `TCP_NODELAY`.
    public static var noDelay: Self { .flag(level: Int32(IPPROTO_TCP), name: TCP_NODELAY, description: "TCP_NODELAY") }
}

extension SocketOption where Value == Int {
    /// The receive buffer size in bytes. Linux doubles the value set, to leave
    /// room for its bookkeeping, and reports the doubled value (socket(7)).
    /// The corresponding C constant is `SO_RCVBUF`.
    public static var receiveBufferSize: Self { .bufferSize(SO_RCVBUF, "SO_RCVBUF") }

    /// The send buffer size in bytes, doubled by Linux as `receiveBufferSize`
    /// is. The corresponding C constant is `SO_SNDBUF`.
    public static var sendBufferSize: Self { .bufferSize(SO_SNDBUF, "SO_SNDBUF") }

    private static func bufferSize(_ name: Int32, _ description: String) -> Self {
        let int = SocketOption<Int32>.integer(level: SOL_SOCKET, name: name, description: description)
        return SocketOption(
            level: SOL_SOCKET, name: name, description: description,
            encode: { int.encode(Int32(clamping: $0)) }, decode: { Int(int.decode($0)) },
            size: int.size)
    }
}

extension SocketOption where Value == Duration? {
    /// How long a blocking receive (or accept) waits before it returns
    /// `.wouldBlock`; nil waits for ever. The corresponding C constant is
    /// `SO_RCVTIMEO`.
    public static var receiveTimeout: Self { .timeout(SO_RCVTIMEO, "SO_RCVTIMEO") }

    /// How long a blocking send waits for buffer room before it returns
    /// `.wouldBlock`; nil waits for ever. The corresponding C constant is
    /// `SO_SNDTIMEO`.
    public static var sendTimeout: Self { .timeout(SO_SNDTIMEO, "SO_SNDTIMEO") }

    private static func timeout(_ name: Int32, _ description: String) -> Self {
        SocketOption(
            level: SOL_SOCKET, name: name, description: description,
            encode: { duration in withUnsafeBytes(of: timeval(duration)) { Array($0) } },
            decode: { bytes in Duration(bytes.withUnsafeBytes { $0.loadUnaligned(as: timeval.self) }) },
            size: MemoryLayout<timeval>.size)
    }
}

extension timeval {
    /// The kernel's form of a timeout: zero means none, so nil becomes zero
    /// and a positive duration under a microsecond becomes one microsecond
    /// rather than "for ever".
    init(_ duration: Duration?) {
        guard let duration else {
            self.init(tv_sec: 0, tv_usec: 0)
            return
        }
        precondition(duration >= .zero, "a negative timeout")
        let (seconds, attoseconds) = duration.components
        var micros = (attoseconds + 999_999_999_999) / 1_000_000_000_000
        var wholeSeconds = seconds
        if micros == 1_000_000 {
            wholeSeconds += 1
            micros = 0
        }
        self.init(tv_sec: Int(wholeSeconds), tv_usec: Int(micros))
    }
}

extension Duration {
    /// A kernel timeout back as a duration; zero (no timeout) is nil.
    init?(_ value: timeval) {
        guard value.tv_sec != 0 || value.tv_usec != 0 else { return nil }
        self = .seconds(value.tv_sec) + .microseconds(value.tv_usec)
    }
}
