import FTP

/// How `ls` and `nlst` print what the server listed. Names are the
/// server's: a control character in one (an escape sequence for the
/// terminal) is shown as `?`.
enum FTPListingText {
    /// One MLSD entry (RFC 3659 section 7): kind, size, modification time
    /// (UTC) and name, in columns; `-` for a fact the server did not give.
    static func line(_ entry: FTPEntry) -> String {
        let kind =
            switch entry.kind {
            case .file: "file"
            case .directory: "dir"
            case .link: "link"
            case .other: "other"
            }
        let size = entry.size.map(String.init) ?? "-"
        let modified = entry.modified.map(readableTime) ?? "-"
        return kind.padding(5) + String(repeating: " ", count: max(0, 14 - size.count)) + size + "  "
            + modified.padding(19) + "  " + printable(entry.name) + "\n"
    }

    /// `YYYYMMDDHHMMSS` as `YYYY-MM-DD HH:MM:SS`.
    static func readableTime(_ time: String) -> String {
        let digits = Array(time.prefix(14))
        guard digits.count == 14 else { return printable(time) }
        func part(_ range: Range<Int>) -> String { String(digits[range]) }
        return "\(part(0..<4))-\(part(4..<6))-\(part(6..<8)) \(part(8..<10)):\(part(10..<12)):\(part(12..<14))"
    }

    /// `name` with every C0 control character and DEL as `?`.
    static func printable(_ name: String) -> String {
        String(String.UnicodeScalarView(name.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : $0 }))
    }
}

extension String {
    fileprivate func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
