import ArgumentParser

/// `sockworks ftp`: one FTP command against a server (RFC 959 with RFC
/// 2428's EPSV and EPRT and RFC 3659's SIZE, MDTM and REST STREAM), or,
/// with no command, an `ftp>` prompt taking one command a line.
struct FTPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ftp",
        abstract: "Run an FTP command (ls, get, put, ...) on a server, or an ftp> prompt reading commands.",
        discussion: """
            Commands: \(FTPRequest.usageLines.joined(separator: "; ")). With no command, reads one \
            command a line from standard input (and also help, quit), each failure reported on its \
            line while the session goes on. Logs in as anonymous without --user. Passive data \
            connections (EPSV, else PASV) unless --active (EPRT, else PORT), binary (TYPE I) unless \
            --ascii. --tls secures the control and data connections (AUTH TLS, RFC 4217), \
            certificates checked against the system's store or --cafile. A local file's name never \
            comes from the server: get without LOCAL takes the last part of REMOTE as given. A get \
            that breaks off leaves what came; get --continue completes it (REST). Every argument is \
            checked before connecting: a CR, LF or NUL in one is refused. Exits 0 when done, 1 when \
            the server refused or the dialogue failed (one line naming the command, the code and the \
            text; at the prompt, when any line failed), 2 for bad arguments.
            """
    )

    @Option(help: "The server's port.")
    var port: UInt16 = 21

    @Option(help: "The user to log in as (default: anonymous).")
    var user: String?

    @Option(help: "A file whose first line is the password of --user.")
    var passwordFile: String?

    @Flag(help: "Active data connections: the server connects to this side (EPRT, else PORT).")
    var active = false

    @Flag(help: "FTPS: AUTH TLS before the login, the data connections over TLS too.")
    var tls = false

    @Option(help: "Trust the certificates in this PEM file instead of the system's store.")
    var cafile: String?

    @Flag(help: "Do not check the server's certificate or name (an attacker can then read everything).")
    var insecure = false

    @Flag(help: "Transfer files as text (TYPE A): CR LF on the wire, LF here.")
    var ascii = false

    @Flag(
        name: .customLong("continue"), help: "get: append to LOCAL from its size on (REST), finishing a cut transfer.")
    var resume = false

    @Option(parsing: .unconditional, help: "Seconds each command may take; a transfer must move within it.")
    var timeout = 30.0

    @Flag(name: .customShort("v"), help: "Show the dialogue on standard error (the password masked).")
    var verbose = false

    @Argument(help: "The server's name or address.")
    var host: String

    @Argument(help: "The command and its arguments; none for the ftp> prompt.")
    var words: [String] = []

    /// Every argument is checked, and the password read, before the
    /// connection: a bad one is exit 2 with nothing sent.
    func run() throws {
        let settings: FTPSettings
        let request: FTPRequest?
        do throws(FTPArgumentError) {
            settings = try self.settings()
            guard !(resume && ascii) else {
                throw .invalid("--continue needs binary transfers: an offset in text mode counts no local byte")
            }
            if words.isEmpty {
                guard !resume else { throw .invalid("--continue goes with get") }
                request = nil
            } else {
                request = try FTPRequest(words: words, resume: resume)
            }
        } catch {
            CommandFailure.report(error.description)
            throw CommandFailure.usageStatus
        }
        let session = FTPSession(settings: settings)
        defer { session.close() }
        let status: Int32
        if let request {
            status = session.perform(request, interactive: false) ? 0 : 1
        } else {
            status = FTPPrompt(session: session).run()
        }
        if status != 0 { throw ExitCode(status) }
    }
}
