import SocketCore
import Synchronization

/// The UDP lab's ping server: each datagram is dropped with probability
/// `loss` (the lab's server draws a random number per datagram and drops
/// about 30 %), else sent back upper-cased to its sender, at once or after
/// a random delay within `delay`. Exactly as many bytes go back as came in.
///
/// A datagram from the server's own address and port is never answered:
/// two such servers, or one whose reply came back to itself, would bounce
/// a datagram between them for ever.
///
/// With a `seed` the drops and delays repeat from run to run: one
/// generator, shared by the server's threads behind a lock, draws for every
/// datagram in arrival order.
public final class UDPPingHandler: DatagramHandler {
    public struct Options: Sendable {
        /// Probability in 0...1 that a datagram is dropped.
        public var loss = 0.3
        /// The generator's seed; nil draws one from the system's generator.
        public var seed: UInt64?
        /// The range a reply's delay is drawn from (nil: at once).
        public var delay: ClosedRange<Duration>?

        public init() {}
    }

    /// What the server did with the datagrams so far.
    public struct Counts: Sendable, Equatable {
        public var received = 0
        public var dropped = 0
        public var answered = 0

        public init(received: Int = 0, dropped: Int = 0, answered: Int = 0) {
            self.received = received
            self.dropped = dropped
            self.answered = answered
        }
    }

    public let options: Options
    private let local: SocketAddress?
    private let state: Mutex<(generator: SplitMix64, counts: Counts)>

    /// `local`: the address the server is bound to, whose datagrams it ignores.
    public init(options: Options, local: SocketAddress?) {
        self.options = options
        self.local = local
        let seed = options.seed ?? UInt64.random(in: .min ... .max)
        state = Mutex((SplitMix64(seed: seed), Counts()))
    }

    public var counts: Counts { state.withLock { $0.counts } }

    public func received(
        _ datagram: UnsafeRawBufferPointer, from sender: SocketAddress, output: inout [UInt8]
    ) -> DatagramReply {
        guard !isOwn(sender) else {
            ServerLog.debug("udpping: ignored a datagram from the server's own address \(sender)")
            return .none
        }
        let (drop, delay, number) = state.withLock { state in
            state.counts.received += 1
            let drop = state.generator.nextUnitInterval() < options.loss
            var delay: Duration?
            if drop {
                state.counts.dropped += 1
            } else {
                state.counts.answered += 1
                delay = options.delay.map { range in
                    let span = (range.upperBound - range.lowerBound) / 1_000
                    return range.lowerBound + span * (state.generator.nextUnitInterval() * 1_000)
                }
            }
            return (drop, delay, state.counts.received)
        }
        if drop {
            ServerLog.debug("udpping: dropped datagram \(number) from \(sender): \(Self.preview(datagram))")
            return .none
        }
        output.reserveCapacity(datagram.count)
        for byte in datagram {
            output.append((0x61...0x7A).contains(byte) ? byte - 0x20 : byte)
        }
        return delay.map { .after($0) } ?? .now
    }

    private func isOwn(_ sender: SocketAddress) -> Bool {
        guard let local, let port = local.port, sender.port == port, let bound = local.ipAddress else { return false }
        return bound.bytes.allSatisfy { $0 == 0 } || sender.ipAddress == bound
    }

    /// The datagram's first line, printable bytes only, for the debug log.
    static func preview(_ datagram: UnsafeRawBufferPointer) -> String {
        let line = datagram.prefix(80).prefix { $0 != 0x0A && $0 != 0x0D }
        return String(decoding: line.map { (0x20..<0x7F).contains($0) ? $0 : UInt8(ascii: "?") }, as: UTF8.self)
    }
}

/// SplitMix64 (Steele, Lea and Flood, 2014): a small generator whose
/// sequence is fixed by its seed, good enough to decide drops.
struct SplitMix64: Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in [0, 1) from the top 53 bits.
    mutating func nextUnitInterval() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
