import Glibc

/// The wall-clock second and its texts that responses and log lines carry:
/// the `Date` field (RFC 9110 section 6.6.1, IMF-fixdate) and the access
/// log's timestamp. Each session keeps one and formats only when the second
/// has changed, so a busy connection formats a date once a second, not once
/// a request, and sessions share nothing.
public struct WallClock: Sendable {
    private(set) var second: Int64 = -1
    /// `Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n`.
    private(set) var dateLine: [UInt8] = []
    /// `06/Nov/1994:08:49:37 +0000`, made only when asked for.
    private var logTimestampSecond: Int64 = -1
    private var logTimestampText: [UInt8] = []

    public init() {}

    /// Reads the clock; formats the `Date` line again when a new second has begun.
    public mutating func update() {
        // The coarse clock is read without a system call and is exact to a
        // few milliseconds, which a one-second field does not notice.
        var now = timespec()
        clock_gettime(CLOCK_REALTIME_COARSE, &now)
        let seconds = Int64(now.tv_sec)
        guard seconds != second else { return }
        second = seconds
        dateLine = Array("Date: \(HTTPDate.format(epochSeconds: seconds))\r\n".utf8)
    }

    /// The access log's timestamp of the current second (UTC).
    public var logTimestamp: [UInt8] {
        mutating get {
            if logTimestampSecond != second {
                logTimestampSecond = second
                logTimestampText = Array(Self.logTimestamp(epochSeconds: second).utf8)
            }
            return logTimestampText
        }
    }

    static func logTimestamp(epochSeconds: Int64) -> String {
        var time = time_t(epochSeconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return
            "\(two(parts.tm_mday))/\(months[Int(parts.tm_mon)])/\(parts.tm_year + 1900):\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) +0000"
    }
}
