import Glibc
import Synchronization

/// The wall-clock second and its texts that responses and log lines carry:
/// the `Date` field (RFC 9110 section 6.6.1, IMF-fixdate) and the access
/// log's timestamp. Each session keeps one and asks the server's shared
/// `DateTexts` only when the second has changed, so a busy connection takes
/// the lock once a second, and a server with a connection per request formats
/// the date once a second, not once a connection.
public struct WallClock: Sendable {
    private let texts: DateTexts
    private(set) var second: Int64 = -1
    /// `Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n`.
    private(set) var dateLine: [UInt8] = []
    /// `06/Nov/1994:08:49:37 +0000`, made only when asked for.
    private var logTimestampSecond: Int64 = -1
    private var logTimestampText: [UInt8] = []

    init(texts: DateTexts) { self.texts = texts }

    /// Reads the clock; takes the `Date` line of a new second when one has begun.
    public mutating func update() {
        // The coarse clock is read without a system call and is exact to a
        // few milliseconds, which a one-second field does not notice.
        var now = timespec()
        clock_gettime(CLOCK_REALTIME_COARSE, &now)
        let seconds = Int64(now.tv_sec)
        guard seconds != second else { return }
        second = seconds
        dateLine = texts.dateLine(epochSeconds: seconds)
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

/// The `Date` line of the latest second any session asked for, shared by
/// every session (and thread) of a server.
final class DateTexts: Sendable {
    private let latest = Mutex<(second: Int64, line: [UInt8])>((-1, []))

    /// The line for `epochSeconds`, formatted here if no session has asked
    /// for that second yet (a session on a lagging thread may ask for the
    /// second before: it gets its own line, and the shared one stays).
    func dateLine(epochSeconds: Int64) -> [UInt8] {
        latest.withLock { latest in
            if latest.second == epochSeconds { return latest.line }
            let line = Self.dateLine(epochSeconds: epochSeconds)
            if epochSeconds > latest.second { latest = (epochSeconds, line) }
            return line
        }
    }

    static func dateLine(epochSeconds: Int64) -> [UInt8] {
        var line = Array("Date: ".utf8)
        line.reserveCapacity(37)
        HTTPDate.append(epochSeconds: epochSeconds, to: &line)
        line.append(contentsOf: "\r\n".utf8)
        return line
    }
}
