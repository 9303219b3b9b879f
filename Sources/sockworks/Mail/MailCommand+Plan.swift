import MIME
import SMTP
import SystemPackage
import TLS

extension MailCommand {
    /// Checks every argument and opens every file it names (MailContent
    /// opens the bodies, attachments and images); refuses, with
    /// the reason, anything that could not be sent as given: a header value
    /// or address with CR or LF (header injection), a file that cannot be
    /// read, options that contradict each other.
    func plan() throws(MailArgumentError) -> MailPlan {
        let server = try MailServer(parsing: self.server)
        let security = tls ?? MailSecurity.implied(byPort: server.port)
        guard timeout.isFinite, timeout > 0, timeout <= 3600 else {
            throw .invalid("--timeout must be more than 0 and at most 3600 seconds")
        }
        return MailPlan(
            host: server.host, port: server.port ?? security.defaultPort, security: security,
            verification: try verification(security), credentials: try credentials(security),
            heloName: try heloName(), timeout: .milliseconds(Int64((timeout * 1000).rounded())), verbose: verbose,
            job: try job())
    }

    private func verification(_ security: MailSecurity) throws(MailArgumentError) -> TLSVerification {
        if security == .none {
            guard !insecure else { throw .invalid("--insecure needs TLS; --tls none has no certificate to check") }
            guard cafile == nil else { throw .invalid("--cafile needs TLS; --tls none has no certificate to check") }
            return .none
        }
        if insecure {
            guard cafile == nil else { throw .invalid("--insecure checks no certificate: drop --cafile") }
            return .none
        }
        guard let cafile else { return .systemStore }
        try requireReadable(cafile, option: "--cafile")
        return .caFile(cafile)
    }

    /// Credentials go over TLS only, unless plain text was asked for with
    /// `--tls none` (the only way to have no TLS at all).
    private func credentials(_ security: MailSecurity) throws(MailArgumentError) -> MailPlan.Credentials? {
        switch (user, passwordFile) {
        case (nil, nil):
            guard auth == nil else { throw .invalid("--auth needs --user and --password-file") }
            return nil
        case (nil, .some): throw .invalid("--password-file needs --user")
        case (.some, nil): throw .invalid("--user needs --password-file (a password is never an argument)")
        case (let user?, let file?):
            try refuseLineBreaks(user, option: "--user")
            let mechanism: SMTPAuthMechanism? =
                switch auth {
                case nil: nil
                case .plain: .plain
                case .login: .login
                }
            return MailPlan.Credentials(user: user, password: try PasswordFile.read(file), mechanism: mechanism)
        }
    }

    private func heloName() throws(MailArgumentError) -> String? {
        guard let helo else { return nil }
        try refuseLineBreaks(helo, option: "--helo")
        guard !helo.isEmpty, helo.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw .invalid("--helo \(helo): a host name or [address], printable ASCII without spaces")
        }
        return helo
    }

    private func job() throws(MailArgumentError) -> MailPlan.Job {
        if let verify {
            let given = [
                ("--from", from != nil), ("--to", !to.isEmpty), ("--cc", !cc.isEmpty), ("--bcc", !bcc.isEmpty),
                ("--subject", !subject.isEmpty), ("--body-file", bodyFile != nil), ("--html-file", htmlFile != nil),
                ("--attach", !attach.isEmpty), ("--inline", !inline.isEmpty),
            ]
            if let (option, _) = given.first(where: { $0.1 }) {
                throw .invalid("--verify sends no mail: \(option) has nothing to do with it")
            }
            try refuseLineBreaks(verify, option: "--verify")
            return .verify(try address(verify, option: "--verify").mailbox)
        }
        guard let from else { throw .invalid("--from is required (the sender's address)") }
        guard !(to.isEmpty && cc.isEmpty && bcc.isEmpty) else {
            throw .invalid("no recipient: give --to, --cc or --bcc")
        }
        let sender = try address(from, option: "--from")
        let toAddresses = try to.map { (text) throws(MailArgumentError) in try address(text, option: "--to") }
        let ccAddresses = try cc.map { (text) throws(MailArgumentError) in try address(text, option: "--cc") }
        let bccAddresses = try bcc.map { (text) throws(MailArgumentError) in try address(text, option: "--bcc") }
        try refuseLineBreaks(subject, option: "--subject")
        guard bodyFile != "-" || htmlFile != "-" else {
            throw .invalid("--body-file and --html-file cannot both be standard input")
        }
        let content: MailContent
        do {
            content = try MailContent(
                from: sender, to: toAddresses, cc: ccAddresses, subject: subject,
                text: bodyFile.map { $0 == "-" ? .standardInput : .file($0) } ?? .bytes([]),
                html: htmlFile.map { $0 == "-" ? .standardInput : .file($0) }, attachments: attach, inline: inline)
        } catch {
            throw .invalid("\(error)")
        }
        let recipients = (toAddresses + ccAddresses + bccAddresses).map(\.mailbox)
        return .send(content, sender: sender.mailbox, recipients: recipients)
    }

    private func address(_ text: String, option: String) throws(MailArgumentError) -> MailAddress {
        try refuseLineBreaks(text, option: option)
        do {
            return try MailAddress(parsing: text, field: option)
        } catch {
            throw .invalid("\(error)")
        }
    }

    /// A CR or LF in a value that goes into a header or a command line
    /// would start a header or a command of the attacker's (header
    /// injection, SMTP command injection).
    private func refuseLineBreaks(_ value: String, option: String) throws(MailArgumentError) {
        guard value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) else { return }
        throw .invalid("\(option): a CR, LF or NUL in \(value.debugDescription) is refused (header injection)")
    }

    private func requireReadable(_ path: String, option: String) throws(MailArgumentError) {
        do {
            let descriptor = try FileDescriptor.open(FilePath(path), .readOnly, options: .closeOnExec)
            try? descriptor.close()
        } catch {
            throw .invalid("\(option) \(path): \(error)")
        }
    }
}
