import CSockBench
import CSockCore
import SocketCore

/// One thing the checksum benchmark times, called straight through its C
/// function so that the 64-byte figures measure the kernel, not Swift glue.
public enum ChecksumKernel: Sendable, Equatable, CustomStringConvertible {
    /// A plain sum of 64-bit words with the widest vector unit: the memory
    /// read limit no checksum can beat.
    case readLimit
    /// `sc_checksum`: the path chosen from CPUID, plus fold and complement.
    case dispatched
    /// One checksum path, called through `sc_checksum_path_fn`.
    case path(InternetChecksum.Path)
    /// RFC 1071 section 4.1's loop: 16-bit words into a 32-bit sum.
    case textbook
    /// The same loop with the compiler's vectorizer off for it.
    case textbookScalar
    /// An empty out-of-line call: the floor under every per-call figure.
    case callFloor

    /// The largest message the textbook loop sums exactly: 65536 words of
    /// 0xffff still fit its 32-bit sum, one more may wrap it.
    public static let textbookExactLimit = 128 * 1024

    /// Every kernel this CPU can run, in table order.
    public static var available: [ChecksumKernel] {
        [.readLimit, .dispatched]
            + InternetChecksum.Path.allCases.reversed().filter(\.isAvailable).map { .path($0) }
            + [.textbook, .textbookScalar, .callFloor]
    }

    public var description: String {
        switch self {
        case .readLimit: "read limit (\(String(cString: sb_read_limit_path())))"
        case .dispatched: "dispatched (\(InternetChecksum.Path.active))"
        case .path(let path): "path \(path)"
        case .textbook: "textbook RFC 1071"
        case .textbookScalar: "textbook, not vectorized"
        case .callFloor: "empty call (floor)"
        }
    }

    /// A short stable name for data files.
    public var key: String {
        switch self {
        case .readLimit: "read_limit"
        case .dispatched: "dispatched"
        case .path(let path): "path_\(path)"
        case .textbook: "textbook"
        case .textbookScalar: "textbook_unvectorized"
        case .callFloor: "call_floor"
        }
    }

    /// Calls the kernel `iterations` times over `buffer`; returns a value
    /// derived from every result so that no call can be optimized away.
    @inline(never)
    func run(_ buffer: UnsafeRawBufferPointer, iterations: Int) -> UInt64 {
        let base = buffer.baseAddress, count = buffer.count
        var sink: UInt64 = 0
        switch self {
        case .readLimit:
            for _ in 0..<iterations { sink &+= sb_read_limit(base, count) }
        case .dispatched:
            for _ in 0..<iterations { sink &+= UInt64(sc_checksum(base, count)) }
        case .path(let path):
            guard let function = path.function else { return 0 }
            for _ in 0..<iterations { sink &+= UInt64(function(base, count, 0)) }
        case .textbook:
            for _ in 0..<iterations { sink &+= UInt64(sb_checksum_textbook(base, count)) }
        case .textbookScalar:
            for _ in 0..<iterations { sink &+= UInt64(sb_checksum_textbook_unvectorized(base, count)) }
        case .callFloor:
            for _ in 0..<iterations { sink &+= sb_call_floor(base, count) }
        }
        return sink
    }
}
