/// Percent-encoding of URI paths (RFC 3986 section 2.1).
enum PercentEncoding {
    /// The bytes `text` stands for, each `%XY` decoded exactly once: nil
    /// when an escape is malformed (`%zz`, `%4`) or any byte decodes to NUL,
    /// which no file name may hold and C would take for the name's end.
    static func decode(_ text: some Collection<UInt8>) -> [UInt8]? {
        var decoded: [UInt8] = []
        decoded.reserveCapacity(text.count)
        var index = text.startIndex
        while index != text.endIndex {
            var byte = text[index]
            text.formIndex(after: &index)
            if byte == UInt8(ascii: "%") {
                guard index != text.endIndex, let high = hexValue(text[index]) else { return nil }
                text.formIndex(after: &index)
                guard index != text.endIndex, let low = hexValue(text[index]) else { return nil }
                text.formIndex(after: &index)
                byte = high << 4 | low
            }
            guard byte != 0 else { return nil }
            decoded.append(byte)
        }
        return decoded
    }

    /// `bytes` with every byte but the unreserved ones (letters, digits,
    /// `-._~`) and those in `alsoKept` written as `%XY`: a file name made
    /// safe for a URI path segment, and for an HTML attribute too.
    static func encode(_ bytes: some Sequence<UInt8>, keeping alsoKept: StaticString = "") -> String {
        var encoded: [UInt8] = []
        for byte in bytes {
            if isUnreserved(byte) || alsoKept.withUTF8Buffer({ $0.contains(byte) }) {
                encoded.append(byte)
            } else {
                encoded.append(UInt8(ascii: "%"))
                encoded.append(hexDigits[Int(byte >> 4)])
                encoded.append(hexDigits[Int(byte & 0xF)])
            }
        }
        return String(decoding: encoded, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"):
            true
        default: false
        }
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
