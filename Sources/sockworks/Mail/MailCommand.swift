import ArgumentParser

/// `sockworks mail`: sends one message over SMTP, speaking the dialogue
/// itself (RFC 5321), with TLS (STARTTLS or implicit), AUTH, and a MIME
/// message of text, HTML, attachments and inline images; or, with
/// `--verify`, asks the server about one address (VRFY).
struct MailCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mail",
        abstract: "Send a mail over SMTP (STARTTLS or implicit TLS, AUTH, MIME), or VRFY an address.",
        discussion: """
            TLS is required by default: STARTTLS on port 587, TLS from the first byte when the port is \
            465; a server that does not offer STARTTLS is an error. Plain text needs --tls none. \
            Certificates are checked against the system's store (or --cafile) and the server's name. \
            Every header value and address is checked before connecting: a CR or LF in one is refused. \
            Exits 0 when the server accepted the mail for every recipient, 1 when it refused a \
            recipient or the mail, or the dialogue failed (one line names the stage, the code and \
            the text), 2 for bad arguments.
            """
    )

    @Option(help: "The SMTP server, HOST[:PORT] ([ADDRESS]:PORT for IPv6).")
    var server: String

    @Option(help: "The sender's address (the envelope's and the From header's).")
    var from: String?

    @Option(help: "A recipient (repeat for more).")
    var to: [String] = []

    @Option(help: "A recipient shown in the Cc header (repeat for more).")
    var cc: [String] = []

    @Option(help: "A recipient in no header (repeat for more).")
    var bcc: [String] = []

    @Option(help: "The subject (UTF-8; encoded for the header when it is not ASCII).")
    var subject = ""

    @Option(help: "The text body: a file, or - for standard input (default: empty).")
    var bodyFile: String?

    @Option(help: "An HTML alternative of the body; --inline images are cid:NAME in it.")
    var htmlFile: String?

    @Option(help: "A file to attach (repeat for more).")
    var attach: [String] = []

    @Option(help: "An image shown in the HTML, as cid:FILENAME (repeat for more).")
    var inline: [String] = []

    @Option(help: "starttls, implicit or none (default: starttls; implicit on port 465).")
    var tls: MailSecurity?

    @Option(help: "The user name to authenticate as (AUTH, over TLS only unless --tls none).")
    var user: String?

    @Option(help: "A file whose first line is the password of --user.")
    var passwordFile: String?

    @Option(help: "plain or login (default: the first the server offers, PLAIN before LOGIN).")
    var auth: MailAuthChoice?

    @Option(help: "Trust the certificates in this PEM file instead of the system's store.")
    var cafile: String?

    @Flag(help: "Do not check the server's certificate or name (an attacker can then read everything).")
    var insecure = false

    @Option(help: "The name to greet the server with (default: this host's name, or its address in brackets).")
    var helo: String?

    @Option(parsing: .unconditional, help: "Seconds each step of the dialogue may take.")
    var timeout = 30.0

    @Option(help: "Ask the server about this address (VRFY) instead of sending a mail.")
    var verify: String?

    @Flag(name: .customShort("v"), help: "Show the dialogue on standard error (passwords masked).")
    var verbose = false

    /// Every argument is checked, and every file opened, before the
    /// connection: a bad one is exit 2 with nothing sent.
    func run() throws {
        let plan: MailPlan
        do throws(MailArgumentError) {
            plan = try self.plan()
        } catch {
            CommandFailure.report(error.description)
            throw CommandFailure.usageStatus
        }
        let status = MailRun(plan: plan).run()
        if status != 0 { throw ExitCode(status) }
    }
}

/// `--auth`: the SASL mechanism to use (RFC 4954).
enum MailAuthChoice: String, CaseIterable, ExpressibleByArgument {
    case plain, login
}
