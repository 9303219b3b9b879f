/// The check every argument passes before it goes into a command line: a
/// CR or LF would end the command early and start one of the caller's
/// making (command injection), and a NUL is refused by servers or cuts the
/// path short (RFC 959 section 4.1 forbids all three in a pathname's
/// Telnet string).
enum CommandArgument {
    static func check(_ text: String, role: String) throws(FTPError) {
        for byte in text.utf8 {
            switch byte {
            case 0x0D, 0x0A: throw .invalidArgument("the \(role) holds a line break")
            case 0x00: throw .invalidArgument("the \(role) holds a NUL")
            default: continue
            }
        }
    }

    /// A path for a command that needs one.
    static func checkPath(_ path: String, role: String = "path") throws(FTPError) {
        guard !path.isEmpty else { throw .invalidArgument("the \(role) is empty") }
        try check(path, role: role)
    }
}
