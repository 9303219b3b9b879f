import MIME
import SMTP
import TLS

/// Everything `sockworks mail` will do, checked before the connection:
/// the server, the protection, the credentials and the job (a message to
/// send, or an address to verify).
struct MailPlan {
    enum Job {
        /// The message, its envelope sender and every recipient (To, Cc
        /// and Bcc: the envelope has them all, the header only To and Cc).
        case send(MailContent, sender: String, recipients: [String])
        /// VRFY of one address (RFC 5321 section 3.5).
        case verify(String)
    }

    struct Credentials {
        let user: String
        let password: String
        let mechanism: SMTPAuthMechanism?
    }

    let host: String
    let port: UInt16
    let security: MailSecurity
    let verification: TLSVerification
    let credentials: Credentials?
    /// The EHLO name; nil: this host's name, or the local address in brackets.
    let heloName: String?
    let timeout: Duration
    let verbose: Bool
    let job: Job
}
