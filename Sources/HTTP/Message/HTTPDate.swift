/// HTTP-date (RFC 9110 section 5.6.7): the time stamps of `Date`,
/// `Last-Modified`, `If-Modified-Since` and `If-Range`, always in GMT.
///
/// A sender writes the IMF-fixdate form only; a recipient accepts it and the
/// two obsolete forms, RFC 850's and C's asctime().
public enum HTTPDate {
    /// The IMF-fixdate of `epochSeconds`: "Sun, 06 Nov 1994 08:49:37 GMT".
    /// Years outside 0...9999 (which the form cannot write) are clamped.
    public static func format(epochSeconds: Int64) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(29)
        append(epochSeconds: epochSeconds, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the 29 bytes of the IMF-fixdate of `epochSeconds`, without
    /// making a String (for header lines built as bytes).
    public static func append(epochSeconds: Int64, to bytes: inout [UInt8]) {
        let seconds = min(max(epochSeconds, firstFormattable), lastFormattable)
        let days = seconds.floorDivided(by: 86_400)
        let secondOfDay = Int(seconds - days * 86_400)
        let date = CivilDate(daysSinceEpoch: days)
        bytes.append(contentsOf: dayNames[Int((days + 4).floorModulo(7))].utf8)  // 1970-01-01 was a Thursday
        bytes.append(contentsOf: ", ".utf8)
        appendDigits(date.day, count: 2, to: &bytes)
        bytes.append(0x20)
        bytes.append(contentsOf: monthNames[date.month - 1].utf8)
        bytes.append(0x20)
        appendDigits(date.year, count: 4, to: &bytes)
        bytes.append(0x20)
        appendDigits(secondOfDay / 3600, count: 2, to: &bytes)
        bytes.append(0x3A)
        appendDigits(secondOfDay / 60 % 60, count: 2, to: &bytes)
        bytes.append(0x3A)
        appendDigits(secondOfDay % 60, count: 2, to: &bytes)
        bytes.append(contentsOf: " GMT".utf8)
    }

    /// The seconds since the epoch that `text` names in any of the three
    /// forms, or nil when it is none of them exactly (a recipient ignores an
    /// invalid date, RFC 9110 section 13.1.3). A two-digit RFC 850 year is
    /// taken as 1970-2069.
    public static func parse(_ text: some StringProtocol) -> Int64? {
        parse(text, twoDigitYearsFrom: 1970)
    }

    /// `parse`, reading a two-digit RFC 850 year as the one in the 100 years
    /// from `firstYear`. RFC 9110 section 5.6.7 wants a year that "appears to
    /// be more than 50 years in the future" taken as the most recent past
    /// year with the same last two digits: `firstYear` is then the current
    /// year less 49.
    public static func parse(_ text: some StringProtocol, twoDigitYearsFrom firstYear: Int) -> Int64? {
        let bytes = Array(text.utf8)
        var reader = DateReader(bytes: bytes)
        if bytes.count == 29, bytes[3] == 0x2C {
            return reader.readFixdate()
        } else if bytes.count == 24, bytes[3] == 0x20 {
            return reader.readAsctime()
        } else {
            return reader.readRFC850(twoDigitYearsFrom: firstYear)
        }
    }

    static let dayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    static let longDayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
    static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// 0000-01-01T00:00:00 and 9999-12-31T23:59:59.
    private static let firstFormattable: Int64 = -62_167_219_200
    private static let lastFormattable: Int64 = 253_402_300_799

    private static func appendDigits(_ value: Int, count: Int, to bytes: inout [UInt8]) {
        var divisor = 1
        for _ in 1..<count { divisor *= 10 }
        while divisor > 0 {
            bytes.append(0x30 + UInt8(value / divisor % 10))
            divisor /= 10
        }
    }
}

/// A day of the proleptic Gregorian calendar.
struct CivilDate: Equatable {
    var year: Int
    /// 1...12.
    var month: Int
    /// 1...31.
    var day: Int

    init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// The date `days` days after 1970-01-01. The arithmetic counts in
    /// 400-year eras (146 097 days each) of years that begin on 1 March, so
    /// that a leap day is the last day of its year.
    init(daysSinceEpoch days: Int64) {
        let shifted = days + 719_468  // days from 0000-03-01 to 1970-01-01
        let era = shifted.floorDivided(by: 146_097)
        let dayOfEra = Int(shifted - era * 146_097)
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        year = yearOfEra + Int(era) * 400 + (month <= 2 ? 1 : 0)
    }

    /// Days from 1970-01-01 to this date (negative before it).
    var daysSinceEpoch: Int64 {
        let marchYear = Int64(month <= 2 ? year - 1 : year)
        let era = marchYear.floorDivided(by: 400)
        let yearOfEra = marchYear - era * 400
        let monthFromMarch = Int64(month > 2 ? month - 3 : month + 9)
        let dayOfYear = (153 * monthFromMarch + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Whether `day` exists in `month` of `year`.
    var isValid: Bool {
        guard (1...12).contains(month), day >= 1 else { return false }
        let isLeap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let lengths = [31, isLeap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= lengths[month - 1]
    }
}

/// Reads the parts of one HTTP-date form from its bytes, in order.
private struct DateReader {
    let bytes: [UInt8]
    var index = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    /// IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`.
    mutating func readFixdate() -> Int64? {
        guard read(oneOf: HTTPDate.dayNames) != nil, read(", ") else { return nil }
        guard let day = readNumber(digits: 2), read(" "), let month = read(oneOf: HTTPDate.monthNames), read(" "),
            let year = readNumber(digits: 4), read(" ")
        else { return nil }
        return finish(CivilDate(year: year, month: month + 1, day: day))
    }

    /// RFC 850: `Sunday, 06-Nov-94 08:49:37 GMT`.
    mutating func readRFC850(twoDigitYearsFrom firstYear: Int) -> Int64? {
        guard read(oneOf: HTTPDate.longDayNames) != nil, read(", ") else { return nil }
        guard let day = readNumber(digits: 2), read("-"), let month = read(oneOf: HTTPDate.monthNames), read("-"),
            let shortYear = readNumber(digits: 2), read(" ")
        else { return nil }
        let century = firstYear - firstYear.floorModulo(100)
        var year = century + shortYear
        if year < firstYear { year += 100 }
        return finish(CivilDate(year: year, month: month + 1, day: day))
    }

    /// asctime: `Sun Nov  6 08:49:37 1994` (the day padded with a space).
    mutating func readAsctime() -> Int64? {
        guard read(oneOf: HTTPDate.dayNames) != nil, read(" "), let month = read(oneOf: HTTPDate.monthNames),
            read(" ")
        else { return nil }
        let day: Int
        if read(" ") {
            guard let digit = readNumber(digits: 1) else { return nil }
            day = digit
        } else {
            guard let digits = readNumber(digits: 2) else { return nil }
            day = digits
        }
        guard read(" "), let seconds = readTimeOfDay(), read(" "), let year = readNumber(digits: 4),
            index == bytes.count
        else { return nil }
        let date = CivilDate(year: year, month: month + 1, day: day)
        guard date.isValid else { return nil }
        return date.daysSinceEpoch * 86_400 + seconds
    }

    /// The time of day and " GMT" that end the first two forms.
    private mutating func finish(_ date: CivilDate) -> Int64? {
        guard date.isValid, let seconds = readTimeOfDay(), read(" GMT"), index == bytes.count else { return nil }
        return date.daysSinceEpoch * 86_400 + seconds
    }

    /// `HH:MM:SS`, with a leap second (60) allowed.
    private mutating func readTimeOfDay() -> Int64? {
        guard let hour = readNumber(digits: 2), read(":"), let minute = readNumber(digits: 2), read(":"),
            let second = readNumber(digits: 2), hour < 24, minute < 60, second <= 60
        else { return nil }
        return Int64(hour * 3600 + minute * 60 + second)
    }

    private mutating func read(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard bytes.count - index >= count else { return false }
        let matches = literal.withUTF8Buffer { bytes[index..<index + count].elementsEqual($0) }
        if matches { index += count }
        return matches
    }

    /// The index in `names` of the name that comes next (case-sensitive,
    /// RFC 9110 section 5.6.7).
    private mutating func read(oneOf names: [String]) -> Int? {
        for (position, name) in names.enumerated() {
            let count = name.utf8.count
            if bytes.count - index >= count, bytes[index..<index + count].elementsEqual(name.utf8) {
                index += count
                return position
            }
        }
        return nil
    }

    private mutating func readNumber(digits: Int) -> Int? {
        guard bytes.count - index >= digits else { return nil }
        var value = 0
        for byte in bytes[index..<index + digits] {
            guard byte &- 0x30 < 10 else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        index += digits
        return value
    }
}

extension FixedWidthInteger where Self: SignedInteger {
    /// The quotient rounded down (toward minus infinity), for dates before the epoch.
    fileprivate func floorDivided(by divisor: Self) -> Self {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }

    /// The remainder that goes with `floorDivided`: never negative for a positive divisor.
    fileprivate func floorModulo(_ divisor: Self) -> Self {
        self - floorDivided(by: divisor) * divisor
    }
}
