import MIME

/// AUTH (RFC 4954) with PLAIN (RFC 4616) or LOGIN.
extension SMTPClient {
    /// Logs in as `user`. With `mechanism` nil, the first of PLAIN and LOGIN
    /// that the server offers; `authUnavailable` when it offers neither (or
    /// not the one named). 235 is success; a refusal is `authRefused`. The
    /// transcript shows the base64 secrets masked.
    ///
    /// Whether the connection is encrypted is the caller's business: both
    /// mechanisms send the password as it is.
    public func authenticate(user: String, password: String, mechanism: SMTPAuthMechanism? = nil)
        throws(SMTPError)
    {
        let offered = extensions.authMechanisms
        guard
            let chosen = mechanism.flatMap({ offered.contains($0.rawValue) ? $0 : nil })
                ?? (mechanism == nil ? SMTPAuthMechanism.preferred(among: offered) : nil)
        else { throw .authUnavailable(offered: offered) }
        switch chosen {
        case .plain: try authenticatePlain(user: user, password: password)
        case .login: try authenticateLogin(user: user, password: password)
        }
    }

    /// `AUTH PLAIN base64(NUL user NUL password)`, the initial response on
    /// the command line (RFC 4954 section 4). A server that answers 334
    /// anyway (it wants the response after an empty challenge) gets it again.
    private func authenticatePlain(user: String, password: String) throws(SMTPError) {
        guard !user.utf8.contains(0), !password.utf8.contains(0) else {
            throw .invalidArgument("a user name or password with a NUL cannot be sent with PLAIN")
        }
        let credentials = Base64Encoder.encodeOnOneLine([0] + Array(user.utf8) + [0] + Array(password.utf8))
        // The longest AUTH line a server must take (RFC 4954 section 4).
        guard credentials.utf8.count + 13 <= 12_288 else {
            throw .invalidArgument("the user name and password are too long for AUTH PLAIN")
        }
        let deadline = deadline()
        var reply = try command(
            "AUTH PLAIN \(credentials)", .authentication, deadline: deadline, shown: "AUTH PLAIN \(Self.masked)")
        if reply.code == 334 {
            reply = try command(credentials, .authentication, deadline: deadline, shown: Self.masked)
        }
        try expectSuccess(reply)
    }

    /// `AUTH LOGIN`, then the user name and the password in base64, each
    /// after its 334 prompt.
    private func authenticateLogin(user: String, password: String) throws(SMTPError) {
        let deadline = deadline()
        var reply = try command("AUTH LOGIN", .authentication, deadline: deadline)
        for secret in [user, password] {
            guard reply.code == 334 else { return try expectSuccess(reply) }
            let response = Base64Encoder.encodeOnOneLine(Array(secret.utf8))
            reply = try command(response, .authentication, deadline: deadline, shown: Self.masked)
        }
        try expectSuccess(reply)
    }

    /// 235 ends an exchange well; 4yz and 5yz are refusals. A 334 after the
    /// last response is answered with "*", which cancels (section 4), and
    /// the cancel's reply is the refusal.
    private func expectSuccess(_ reply: SMTPReply) throws(SMTPError) {
        if reply.code == 235 { return }
        if reply.code == 334 {
            let cancel = try command("*", .authentication)
            throw refusal(cancel, .authentication, as: SMTPError.authRefused)
        }
        throw refusal(reply, .authentication, as: SMTPError.authRefused)
    }

    private static let masked = "****"
}
