import Glibc

/// The moment a message is dated, and the offset from UTC it is shown in:
/// `Tue, 01 Dec 2026 14:05:09 +0100` (RFC 5322 §3.3).
public struct MailDate: Sendable, Hashable {
    public let secondsSince1970: Int
    /// Seconds east of UTC.
    public let utcOffsetSeconds: Int

    public init(secondsSince1970: Int, utcOffsetSeconds: Int = 0) {
        self.secondsSince1970 = secondsSince1970
        self.utcOffsetSeconds = utcOffsetSeconds
    }

    /// Now, in the local time zone.
    public static func now() -> MailDate {
        var seconds = time(nil)
        var local = tm()
        localtime_r(&seconds, &local)
        return MailDate(secondsSince1970: Int(seconds), utcOffsetSeconds: Int(local.tm_gmtoff))
    }

    /// The date-time of RFC 5322 §3.3, in English whatever the locale.
    public var text: String {
        var shifted = time_t(secondsSince1970 + utcOffsetSeconds)
        var parts = tm()
        gmtime_r(&shifted, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let offsetMinutes = abs(utcOffsetSeconds) / 60
        return "\(days[Int(parts.tm_wday)]), \(twoDigits(parts.tm_mday)) \(months[Int(parts.tm_mon)]) "
            + "\(parts.tm_year + 1900) \(twoDigits(parts.tm_hour)):\(twoDigits(parts.tm_min)):"
            + "\(twoDigits(parts.tm_sec)) \(utcOffsetSeconds < 0 ? "-" : "+")"
            + "\(twoDigits(offsetMinutes / 60))\(twoDigits(offsetMinutes % 60))"
    }

    private func twoDigits(_ value: some BinaryInteger) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}
