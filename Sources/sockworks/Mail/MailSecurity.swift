import ArgumentParser

/// `--tls`: how the mail client protects the connection.
///
/// The default is STARTTLS, required: a server that does not offer it is
/// an error, never a reason to go on in the clear (a man in the middle
/// strips the offer). Port 465 means TLS from the first byte (RFC 8314
/// section 3.3). Plain text needs `--tls none`, said explicitly.
enum MailSecurity: String, CaseIterable, ExpressibleByArgument {
    /// RFC 3207: plain text until STARTTLS, then TLS; port 587.
    case starttls
    /// RFC 8314: TLS from the first byte; port 465.
    case implicit
    /// No TLS at all; port 25.
    case none

    /// The choice when `--tls` is not given.
    static func implied(byPort port: UInt16?) -> MailSecurity {
        port == 465 ? .implicit : .starttls
    }

    /// The port when `--server` names none (RFC 6409 submission, RFC 8314
    /// submissions, RFC 5321 relay).
    var defaultPort: UInt16 {
        switch self {
        case .starttls: 587
        case .implicit: 465
        case .none: 25
        }
    }
}
