import CSockCore

/// The Internet checksum (RFC 1071) over one message, possibly fed in pieces.
///
/// Checksums are presented here as the 16-bit number a packet dump shows
/// (big-endian on the wire): `InternetChecksum.of(bytes)` is the value to
/// write, big-endian, into the zeroed checksum field. The C core does the
/// summing with the fastest path this CPU has.
///
///     var sum = InternetChecksum()
///     sum.add(pseudoHeader)
///     sum.add(udpDatagram)
///     let value = sum.value
public struct InternetChecksum: Sendable, Equatable {
    /// The C core's running accumulator (bit 31 records an odd byte count).
    private var accumulator: UInt32 = 0

    public init() {}

    /// Adds the next piece of the message; pieces may have any length.
    public mutating func add(_ bytes: UnsafeRawBufferPointer) {
        accumulator = sc_checksum_partial(bytes.baseAddress, bytes.count, accumulator)
    }

    /// Adds the next piece of the message; pieces may have any length.
    public mutating func add<Bytes: Sequence<UInt8>>(_ bytes: Bytes) {
        let done: Void? = bytes.withContiguousStorageIfAvailable { add(UnsafeRawBufferPointer($0)) }
        if done == nil {
            Array(bytes).withUnsafeBytes { add($0) }
        }
    }

    /// Adds the IPv4 pseudo-header of RFC 768 (UDP) for a transport message
    /// of `length` bytes. Add it before or after the message itself.
    public mutating func addPseudoHeader(
        source: IPv4Address, destination: IPv4Address,
        protocol number: UInt8, length: UInt16
    ) {
        let src = source.bytes, dst = destination.bytes
        accumulator = addWhole(sc_checksum_pseudo_ipv4(src, dst, number, length))
    }

    /// Adds the IPv6 pseudo-header of RFC 8200 section 8.1 (UDP, ICMPv6).
    public mutating func addPseudoHeader(
        source: IPv6Address, destination: IPv6Address,
        nextHeader: UInt8, length: UInt32
    ) {
        accumulator = addWhole(sc_checksum_pseudo_ipv6(source.bytes, destination.bytes, nextHeader, length))
    }

    /// Pseudo-header sums are even-length, so they can be added to the
    /// accumulator directly; folding first keeps it below 2^17 whatever the
    /// number of pseudo-headers added.
    private func addWhole(_ pseudo: UInt32) -> UInt32 {
        let odd = accumulator & 0x8000_0000
        var sum = (accumulator & 0x7fff_ffff) + pseudo
        sum = (sum & 0xffff) + (sum >> 16)
        return odd | sum
    }

    /// The checksum to store, as the big-endian number of the wire.
    public var value: UInt16 {
        UInt16(bigEndian: sc_checksum_fold(accumulator))
    }

    /// The checksum of `bytes` (with its checksum field zeroed): the number to
    /// store big-endian.
    public static func of<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> UInt16 {
        var sum = InternetChecksum()
        sum.add(bytes)
        return sum.value
    }

    /// Whether a whole message, checksum field in place, verifies.
    public static func verifies<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> Bool {
        of(bytes) == 0
    }

    /// The new checksum after one 16-bit field of the message changes from
    /// `old` to `new` (RFC 1624, eqn. 3); all three as big-endian numbers.
    public static func updated(_ checksum: UInt16, replacing old: UInt16, with new: UInt16) -> UInt16 {
        UInt16(bigEndian: sc_checksum_update16(checksum.bigEndian, old.bigEndian, new.bigEndian))
    }

    /// The new checksum after one 32-bit aligned field changes (RFC 1624, eqn. 3).
    public static func updated(_ checksum: UInt16, replacing old: UInt32, with new: UInt32) -> UInt16 {
        UInt16(bigEndian: sc_checksum_update32(checksum.bigEndian, old.bigEndian, new.bigEndian))
    }
}

extension InternetChecksum {
    /// One of the C core's checksum implementations.
    public enum Path: CaseIterable, Sendable, CustomStringConvertible {
        case scalar, avx2, avx512

        var cValue: sc_checksum_path {
            switch self {
            case .scalar: SC_CHECKSUM_SCALAR
            case .avx2: SC_CHECKSUM_AVX2
            case .avx512: SC_CHECKSUM_AVX512
            }
        }

        /// The path `sc_checksum` uses on this CPU, chosen once from CPUID.
        public static var active: Path {
            let active = sc_checksum_active_path()
            return allCases.first { $0.cValue == active } ?? .scalar
        }

        /// Whether this CPU (and this build) can run the path.
        public var isAvailable: Bool { sc_checksum_path_fn(cValue) != nil }

        /// The C function of this path, for benchmarks; nil when unavailable.
        public var function: sc_checksum_partial_fn? { sc_checksum_path_fn(cValue) }

        public var description: String { String(cString: sc_checksum_path_name(cValue)) }

        /// The checksum of `bytes` computed by this path alone.
        public func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt16? {
            guard let function else { return nil }
            return UInt16(bigEndian: sc_checksum_fold(function(bytes.baseAddress, bytes.count, 0)))
        }
    }
}
