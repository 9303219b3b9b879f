import Glibc

/// The data of our echo requests: the send time (a 16-byte `timespec` of
/// the monotonic clock, in host order, where iputils puts a `timeval`),
/// then the fill bytes: 0, 1, 2 ... by default, or the `-p` pattern
/// repeated. Payloads shorter than 16 bytes carry no time and give no
/// round trip, as in iputils.
public struct EchoPayload: Sendable, Equatable {
    public static let timestampSize = 16

    /// Payload bytes per request (`-s`, 56 by default).
    public let size: Int
    /// The bytes sent, before the time is written over the first 16.
    public let fill: [UInt8]

    /// `pattern` nil gives 0, 1, 2 ... (mod 256); else it repeats.
    public init(size: Int, pattern: [UInt8]? = nil) {
        self.size = size
        if let pattern, !pattern.isEmpty {
            fill = (0..<size).map { pattern[$0 % pattern.count] }
        } else {
            fill = (0..<size).map { UInt8(truncatingIfNeeded: $0) }
        }
    }

    /// Whether requests carry their send time.
    public var isTimed: Bool { size >= Self.timestampSize }

    /// The payload of a request sent at `nanoseconds` (monotonic).
    public func bytes(sentAt nanoseconds: Int64) -> [UInt8] {
        var bytes = fill
        bytes.withUnsafeMutableBytes { stamp(nanoseconds, into: $0) }
        return bytes
    }

    /// Writes the send time over the first 16 bytes of `payload` (a
    /// payload of `size` bytes); nothing when requests are not timed.
    func stamp(_ nanoseconds: Int64, into payload: UnsafeMutableRawBufferPointer) {
        guard isTimed else { return }
        payload.storeBytes(of: nanoseconds / 1_000_000_000, toByteOffset: 0, as: Int64.self)
        payload.storeBytes(of: nanoseconds % 1_000_000_000, toByteOffset: 8, as: Int64.self)
    }

    /// The send time a reply's payload carries, in monotonic nanoseconds;
    /// nil when it is too short or is no time at all (negative seconds,
    /// nanoseconds out of range: all 0xFF, say).
    public static func sendTime(in payload: UnsafeRawBufferPointer) -> Int64? {
        guard payload.count >= timestampSize else { return nil }
        let seconds = payload.loadUnaligned(fromByteOffset: 0, as: Int64.self)
        let nanoseconds = payload.loadUnaligned(fromByteOffset: 8, as: Int64.self)
        guard seconds >= 0, seconds < Int64.max / 1_000_000_000 - 1,
            (0..<1_000_000_000).contains(nanoseconds)
        else { return nil }
        return seconds * 1_000_000_000 + nanoseconds
    }

    public static func sendTime(in payload: ArraySlice<UInt8>) -> Int64? {
        payload.withUnsafeBytes { sendTime(in: $0) }
    }

    /// The first byte after the timestamp area that differs from what we
    /// sent (iputils checks from byte 16 on), with iputils' report of it:
    /// `wrong data byte #N should be 0xE but was 0xA`, then every received
    /// byte from 16 on, 32 to a row. Nil when the data is intact.
    public func wrongDataReport(_ payload: UnsafeRawBufferPointer) -> String? {
        let start = Self.timestampSize
        guard size > start else { return nil }
        // The common case, intact data, compared where it lies.
        let intact =
            payload.count >= size
            && fill.withUnsafeBytes { sent in
                memcmp(payload.baseAddress! + start, sent.baseAddress! + start, size - start) == 0
            }
        if intact { return nil }
        guard let index = (start..<size).first(where: { $0 >= payload.count || payload[$0] != fill[$0] }) else {
            return nil
        }
        let actual = index < payload.count ? payload[index] : 0
        var text = "\nwrong data byte #\(index) should be 0x\(hex(fill[index])) but was 0x\(hex(actual))"
        for position in start..<size {
            if position % 32 == start { text += "\n#\(position)\t" }
            text += "\(hex(position < payload.count ? payload[position] : 0)) "
        }
        return text
    }

    public func wrongDataReport(_ payload: ArraySlice<UInt8>) -> String? {
        payload.withUnsafeBytes { wrongDataReport($0) }
    }

    private func hex(_ byte: UInt8) -> String { String(byte, radix: 16) }
}
