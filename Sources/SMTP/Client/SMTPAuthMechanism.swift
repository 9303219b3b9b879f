/// The SASL mechanisms the client speaks in AUTH (RFC 4954). Both send the
/// password as it is, base64 being no encryption: over TLS only, unless the
/// user asked for a plain connection.
public enum SMTPAuthMechanism: String, Hashable, Sendable, CaseIterable {
    /// RFC 4616: one message, NUL, user name, NUL, password.
    case plain = "PLAIN"
    /// The user name and the password, each after a 334 prompt: not in any
    /// RFC, but offered by servers that date from before PLAIN.
    case login = "LOGIN"

    /// The one to use among `offered` when the user named none: PLAIN, which
    /// takes one round trip, before LOGIN.
    public static func preferred(among offered: [String]) -> SMTPAuthMechanism? {
        allCases.first { offered.contains($0.rawValue) }
    }
}
