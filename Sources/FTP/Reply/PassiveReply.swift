/// The data ports named by the replies to PASV and EPSV.
///
/// The client connects to the port on the control connection's peer, never
/// to the address a 227 names: a server (or whoever rewrites its replies)
/// could otherwise aim the client at any host, and scan or attack it from
/// there (the FTP bounce of RFC 2577 section 3; curl CVE-2020-8284, Python
/// CVE-2021-4189). The address is still parsed, so that a reply that does
/// not hold one is refused.
///
/// This file imports nothing, so the fuzzer compiles it alone.
public enum PassiveReply {
    /// The 227 reply's six numbers "h1,h2,h3,h4,p1,p2" (RFC 959 section
    /// 4.1.2), found where RFC 1123 section 4.1.2.6 says to look for them:
    /// at the first digit of the text, parentheses or not. Each number is
    /// one to three digits, at most 255.
    public static func address(in reply: FTPReply) throws(MalformedFTPReply) -> (host: [UInt8], port: UInt16) {
        guard reply.code == 227 else { throw MalformedFTPReply("a \(reply.code) reply where 227 was expected") }
        let text = Array(reply.lines[0].utf8)
        guard var index = text.firstIndex(where: isDigit) else {
            throw MalformedFTPReply("a 227 reply without an address")
        }
        var numbers: [UInt8] = []
        while numbers.count < 6 {
            let start = index
            while index < text.count, isDigit(text[index]), index - start < 4 { index += 1 }
            guard (1...3).contains(index - start),
                let number = UInt8(String(decoding: text[start..<index], as: UTF8.self))
            else { throw MalformedFTPReply("a 227 reply whose address is not six numbers of 0 to 255") }
            numbers.append(number)
            if numbers.count < 6 {
                guard index < text.count, text[index] == comma else {
                    throw MalformedFTPReply("a 227 reply whose address is not six numbers of 0 to 255")
                }
                index += 1
            }
        }
        if index < text.count, isDigit(text[index]) {
            throw MalformedFTPReply("a 227 reply whose address is not six numbers of 0 to 255")
        }
        let port = UInt16(numbers[4]) << 8 | UInt16(numbers[5])
        guard port != 0 else { throw MalformedFTPReply("a 227 reply naming port 0") }
        return (Array(numbers[0..<4]), port)
    }

    /// The 229 reply's port: "(<d><d><d><port><d>)", where d is one
    /// delimiter, a printable character other than a digit, and the network
    /// address is left out (RFC 2428 section 3).
    public static func port(in reply: FTPReply) throws(MalformedFTPReply) -> UInt16 {
        guard reply.code == 229 else { throw MalformedFTPReply("a \(reply.code) reply where 229 was expected") }
        let text = Array(reply.lines[0].utf8)
        guard let open = text.firstIndex(of: openParenthesis), text.count - open >= 7 else {
            throw MalformedFTPReply("a 229 reply without (|||port|)")
        }
        let delimiter = text[open + 1]
        guard (0x21...0x7E).contains(delimiter), !isDigit(delimiter), text[open + 2] == delimiter,
            text[open + 3] == delimiter
        else { throw MalformedFTPReply("a 229 reply without (|||port|)") }
        var index = open + 4
        let start = index
        while index < text.count, isDigit(text[index]), index - start < 6 { index += 1 }
        guard (1...5).contains(index - start), index + 1 < text.count, text[index] == delimiter,
            text[index + 1] == closeParenthesis,
            let port = UInt16(String(decoding: text[start..<index], as: UTF8.self)), port != 0
        else { throw MalformedFTPReply("a 229 reply without a port of 1 to 65535 in (|||port|)") }
        return port
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }
    private static let comma = UInt8(ascii: ",")
    private static let openParenthesis = UInt8(ascii: "(")
    private static let closeParenthesis = UInt8(ascii: ")")
}
