/// The path in a 257 reply to PWD or MKD (RFC 959 Appendix II): the text
/// begins with the path in double quotes, a quote inside it doubled, so
/// `257 "/a""b" created` names `/a"b`.
///
/// This file imports nothing, so the fuzzer compiles it alone.
public enum PathReply {
    public static func path(in reply: FTPReply) throws(MalformedFTPReply) -> String {
        guard reply.code == 257 else { throw MalformedFTPReply("a \(reply.code) reply where 257 was expected") }
        let text = Array(reply.lines[0].utf8)
        guard text.first == quote else { throw MalformedFTPReply("a 257 reply that does not begin with a quoted path") }
        var path: [UInt8] = []
        var index = 1
        while index < text.count {
            if text[index] == quote {
                guard index + 1 < text.count, text[index + 1] == quote else {
                    // The closing quote: the commentary, if any, is after a space.
                    guard index + 1 == text.count || text[index + 1] == space else {
                        throw MalformedFTPReply("a 257 reply with text right after the path's closing quote")
                    }
                    guard !path.isEmpty else { throw MalformedFTPReply("a 257 reply naming an empty path") }
                    return String(decoding: path, as: UTF8.self)
                }
                index += 1
            }
            path.append(text[index])
            index += 1
        }
        throw MalformedFTPReply("a 257 reply whose path has no closing quote")
    }

    private static let quote = UInt8(ascii: "\"")
    private static let space = UInt8(ascii: " ")
}
