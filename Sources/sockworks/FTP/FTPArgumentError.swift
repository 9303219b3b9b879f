/// A bad argument of `sockworks ftp`, found before connecting (exit 2), or
/// a bad line at the `ftp>` prompt (that line fails, the session goes on).
enum FTPArgumentError: Error, CustomStringConvertible {
    case invalid(String)

    var description: String {
        switch self {
        case .invalid(let reason): reason
        }
    }

    /// A CR or LF would end the command early and start one of the
    /// attacker's (FTP command injection); a NUL cuts a C string short.
    static func refuseLineBreaks(_ value: String, role: String) throws(FTPArgumentError) {
        guard value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) else { return }
        throw .invalid("\(role): a CR, LF or NUL in \(value.debugDescription) is refused (command injection)")
    }
}
