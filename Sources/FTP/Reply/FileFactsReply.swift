/// The replies of RFC 3659's SIZE and MDTM: "213 size" and "213 time".
///
/// This file imports nothing, so the fuzzer compiles it alone.
public enum FileFactsReply {
    /// The size in a 213 reply to SIZE (section 4.2): decimal digits only.
    public static func size(in reply: FTPReply) throws(MalformedFTPReply) -> Int64 {
        guard reply.code == 213 else { throw MalformedFTPReply("a \(reply.code) reply where 213 was expected") }
        let text = reply.lines[0]
        guard !text.isEmpty, text.utf8.count <= 19, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
            let size = Int64(text)
        else { throw MalformedFTPReply("a 213 reply to SIZE that is not a decimal size") }
        return size
    }

    /// The time in a 213 reply to MDTM, "YYYYMMDDHHMMSS" (section 3: UTC,
    /// a fraction of a second allowed after a dot, which is dropped).
    public static func modificationTime(in reply: FTPReply) throws(MalformedFTPReply) -> String {
        guard reply.code == 213 else { throw MalformedFTPReply("a \(reply.code) reply where 213 was expected") }
        guard let time = timeValue(reply.lines[0]) else {
            throw MalformedFTPReply("a 213 reply to MDTM that is not a time YYYYMMDDHHMMSS[.sss]")
        }
        return time
    }

    /// RFC 3659 section 2.3's time-val: 14 digits, then optionally a dot
    /// and one or more digits; nil when `text` is not one.
    static func timeValue(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 14, bytes[..<14].allSatisfy(isDigit) else { return nil }
        if bytes.count > 14 {
            guard bytes[14] == UInt8(ascii: "."), bytes.count > 15, bytes[15...].allSatisfy(isDigit) else {
                return nil
            }
        }
        return String(decoding: bytes[..<14], as: UTF8.self)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }
}
