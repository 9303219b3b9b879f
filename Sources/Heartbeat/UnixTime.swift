import Glibc

/// A wall-clock time in whole microseconds since the Unix epoch
/// (`CLOCK_REALTIME`): the TIME a heartbeat carries and the `unix_time` of
/// the monitor's events. Only comparisons between two hosts' clocks need it;
/// the schedule and the silence of a client are measured on the monotonic
/// clock, which never steps.
public struct UnixTime: Comparable, Hashable, Sendable {
    public let microseconds: Int64

    public init(microseconds: Int64) {
        self.microseconds = microseconds
    }

    public static var now: UnixTime {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return UnixTime(microseconds: Int64(time.tv_sec) * 1_000_000 + Int64(time.tv_nsec) / 1000)
    }

    /// Seconds with six decimals, `1764612345.123456`, as the pinger writes
    /// its TIME and icmpping its `unix_time`.
    public var text: String {
        let seconds = microseconds / 1_000_000
        let fraction = microseconds % 1_000_000
        guard microseconds >= 0 else { return "-" + UnixTime(microseconds: -microseconds).text }
        return "\(seconds)." + DecimalText.padded(Int(fraction), 6)
    }

    /// Reads `SECONDS[.FRACTION]` (up to nine decimals, the rest beyond six
    /// truncated), as written by this client, the lab's Python (`time.time()`
    /// gives six or seven decimals) or a shell's `date +%s.%N`.
    public init?(text: Substring.UTF8View) {
        var seconds: Int64 = 0
        var fraction: Int64 = 0
        var fractionDigits = 0
        var digitsBefore = 0
        var sawPoint = false
        for byte in text {
            if byte == UInt8(ascii: ".") {
                guard !sawPoint else { return nil }
                sawPoint = true
                continue
            }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let digit = Int64(byte - UInt8(ascii: "0"))
            if sawPoint {
                fractionDigits += 1
                guard fractionDigits <= 9 else { return nil }
                if fractionDigits <= 6 { fraction = fraction * 10 + digit }
            } else {
                digitsBefore += 1
                // 12 digits of seconds reach the year 33658.
                guard digitsBefore <= 12 else { return nil }
                seconds = seconds * 10 + digit
            }
        }
        guard digitsBefore > 0, !sawPoint || fractionDigits > 0 else { return nil }
        for _ in 0..<max(0, 6 - fractionDigits) { fraction *= 10 }
        self.init(microseconds: seconds * 1_000_000 + fraction)
    }

    public static func < (lhs: UnixTime, rhs: UnixTime) -> Bool { lhs.microseconds < rhs.microseconds }
}

/// Numbers as the heartbeat's lines write them.
enum DecimalText {
    static func padded(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    /// Microseconds as milliseconds with three decimals, signed:
    /// `81` gives `0.081`, `-1500` gives `-1.500`.
    static func milliseconds(_ microseconds: Int64) -> String {
        let magnitude = microseconds.magnitude
        return (microseconds < 0 ? "-" : "") + "\(magnitude / 1000)." + padded(Int(magnitude % 1000), 3)
    }

    /// Microseconds as seconds with three decimals: `3000000` gives `3.000`.
    static func seconds(_ microseconds: Int64) -> String {
        let milliseconds = microseconds.magnitude / 1000
        return (microseconds < 0 ? "-" : "") + "\(milliseconds / 1000)." + padded(Int(milliseconds % 1000), 3)
    }
}
