import Glibc
import SocketCore
import Streams

/// The client side of an SMTP dialogue (RFC 5321) over a byte stream that
/// the caller has connected: greeting, EHLO (or HELO), STARTTLS, AUTH, one
/// mail or more, VRFY, QUIT.
///
/// One command at a time: each is sent and its reply read under one
/// deadline, `options.timeout` from when it starts, so a server that
/// trickles a reply a byte at a time cannot hold the client longer than one
/// that says nothing. Replies are parsed strictly (`SMTPReplyParser`).
///
/// After an error that leaves the dialogue in doubt (a broken or timed-out
/// connection, a malformed reply, a 421) the client sends nothing more: a
/// later command throws `unusable`, and `quit()` only closes the stream.
/// After a refusal the dialogue goes on: a refused sender is followed by
/// another `send`, or `quit()`.
///
/// The client is used by one thread at a time.
public final class SMTPClient {
    public let options: SMTPClientOptions
    /// What the server offered in its last reply to EHLO: none before
    /// `hello()`, after HELO, or while STARTTLS is under way.
    public private(set) var extensions = SMTPExtensions()
    private var stream: any ByteStream
    private var reader: BufferedReader
    private var writer: BufferedWriter
    /// Whether the dialogue can go on (see the type).
    private var usable = true
    private var closed = false

    public init(stream: any ByteStream, options: SMTPClientOptions) {
        self.stream = stream
        self.options = options
        reader = BufferedReader(stream, capacity: 4096)
        writer = BufferedWriter(stream, capacity: 16 * 1024)
    }

    /// Reads the server's greeting, which must be 220 (section 4.3.2). A
    /// 554 says there is no service here, and waits for QUIT (section 3.1);
    /// a 421 closes the connection.
    @discardableResult
    public func readGreeting() throws(SMTPError) -> SMTPReply {
        let reply = try readReply(.greeting, deadline: deadline())
        guard reply.code == 220 else { throw refusal(reply, .greeting, as: SMTPError.greetingRefused) }
        return reply
    }

    /// Says EHLO and returns the extensions offered; when the server refuses
    /// EHLO with a 5yz (it may not know it: RFC 5321 section 4.1.4), says
    /// HELO instead, and there are none.
    @discardableResult
    public func hello() throws(SMTPError) -> SMTPExtensions {
        try CommandArgument.checkCharacters(options.heloName, role: "HELO name", refusing: [" ", "\t"])
        guard !options.heloName.isEmpty else { throw .invalidArgument("the HELO name is empty") }
        extensions = SMTPExtensions()
        let ehlo = try command("EHLO \(options.heloName)", .hello)
        if ehlo.code == 250 {
            extensions = SMTPExtensions(ehloReply: ehlo)
            return extensions
        }
        guard ehlo.isPermanentFailure else { throw refusal(ehlo, .hello, as: SMTPError.heloRefused) }
        let helo = try command("HELO \(options.heloName)", .heloFallback)
        guard helo.code == 250 else { throw refusal(helo, .heloFallback, as: SMTPError.heloRefused) }
        return extensions
    }

    /// Upgrades the connection with STARTTLS (RFC 3207) and says EHLO again:
    /// the extensions are read anew, the ones offered in the clear
    /// forgotten (section 4.2).
    ///
    /// Refuses, sending nothing, when the server did not offer STARTTLS: a
    /// man in the middle who removes it from the list must not get a
    /// dialogue in the clear. After the 220 the reader must hold nothing:
    /// bytes already there were sent before the handshake, and taking them
    /// as the first answer under TLS is the injection of CVE-2011-0411 (curl
    /// CVE-2021-22947); then `upgrade` is never called. Otherwise `upgrade`
    /// gets the stream and the command's deadline and returns the TLS stream
    /// over it, which the client uses from then on (and closes at the end).
    @discardableResult
    public func startTLS(upgrade: (any ByteStream, MonotonicInstant?) throws -> any ByteStream)
        throws(SMTPError) -> SMTPExtensions
    {
        guard extensions.startTLS else { throw .startTLSNotOffered }
        let commandDeadline = deadline()
        extensions = SMTPExtensions()
        let reply = try command("STARTTLS", .startTLS, deadline: commandDeadline)
        guard reply.code == 220 else { throw refusal(reply, .startTLS, as: SMTPError.startTLSRefused) }
        guard reader.bufferedCount == 0 else { throw fail(.startTLSInjection(bytes: reader.bufferedCount)) }
        let upgraded: any ByteStream
        do {
            upgraded = try upgrade(stream, commandDeadline)
        } catch {
            throw fail(.tlsFailed(String(describing: error)))
        }
        stream = upgraded
        reader = BufferedReader(upgraded, capacity: 4096)
        writer = BufferedWriter(upgraded, capacity: 16 * 1024)
        return try hello()
    }

    /// Asks whether the server knows `address` (VRFY, section 3.5.3); 250,
    /// 251 and 252 (it cannot say, but will take mail for it) are answers,
    /// anything else `verifyRefused`.
    public func verify(_ address: String) throws(SMTPError) -> SMTPReply {
        try CommandArgument.checkCharacters(address, role: "address to verify")
        guard !address.isEmpty else { throw .invalidArgument("the address to verify is empty") }
        let reply = try command("VRFY \(address)", .verify)
        guard [250, 251, 252].contains(reply.code) else {
            throw refusal(reply, .verify, as: SMTPError.verifyRefused)
        }
        return reply
    }

    /// Says QUIT and closes the stream, whatever comes back: nothing is
    /// left to save by then. Only closes when the dialogue broke earlier.
    /// The reply is awaited (section 4.1.1.10: the client should) for at
    /// most the timeout. Calling it again does nothing.
    public func quit() {
        guard !closed else { return }
        if usable { _ = try? command("QUIT", .quit) }
        close()
    }

    /// Closes the stream without QUIT; calling it again does nothing.
    public func close() {
        guard !closed else { return }
        closed = true
        usable = false
        try? stream.close(deadline: .now + options.timeout)
    }

    // MARK: The exchange of one command

    /// The deadline of a command starting now.
    func deadline(_ timeout: Duration? = nil) -> MonotonicInstant {
        .now + (timeout ?? options.timeout)
    }

    /// Sends `line` and reads its reply, under one deadline.
    func command(
        _ line: String, _ stage: SMTPStage, deadline: MonotonicInstant? = nil, shown: String? = nil
    ) throws(SMTPError) -> SMTPReply {
        let deadline = deadline ?? self.deadline()
        try send(line, stage, deadline: deadline, shown: shown)
        return try readReply(stage, deadline: deadline)
    }

    /// Sends one command line; `shown` is what the transcript shows instead
    /// (a secret masked). Without `flush` the line waits in the buffer for
    /// the next, to go out with it (pipelining).
    func send(
        _ line: String, _ stage: SMTPStage, deadline: MonotonicInstant, shown: String? = nil, flush: Bool = true
    ) throws(SMTPError) {
        guard usable else { throw .unusable(stage) }
        options.transcript?(SMTPTranscriptLine(.sent, shown ?? line))
        do {
            try writer.write(line + "\r\n", deadline: deadline)
            if flush { try writer.flush(deadline: deadline) }
        } catch {
            throw fail(streamFailure(error, stage))
        }
    }

    /// Reads one reply, line by line: the reader bounds each line, the
    /// parser checks it. Lines are read up to LF, not CR LF, so that a bare
    /// LF is refused as soon as it comes rather than waited past.
    func readReply(_ stage: SMTPStage, deadline: MonotonicInstant) throws(SMTPError) -> SMTPReply {
        var parser = SMTPReplyParser()
        while true {
            let line: [UInt8]?
            do {
                // The longest line, its CR counted and its LF not.
                let maxLength = SMTPReplyParser.defaultMaxLineLength - 1
                line = try reader.read(until: [0x0A], maxLength: maxLength, deadline: deadline)
            } catch .tooLong {
                throw fail(
                    .malformedReply(
                        stage, reason: "a reply line longer than \(SMTPReplyParser.defaultMaxLineLength) octets"))
            } catch {
                throw fail(streamFailure(error, stage))
            }
            guard let line else { throw fail(.serverDisconnected(stage)) }
            let shown = line.last == 0x0D ? line.dropLast() : line[...]
            options.transcript?(SMTPTranscriptLine(.received, String(decoding: shown, as: UTF8.self)))
            do throws(MalformedSMTPReply) {
                let step = try (line + [0x0A]).withUnsafeBytes { raw in
                    Result { () throws(MalformedSMTPReply) in try parser.parse(raw) }
                }.get()
                if case .reply(let reply, _) = step { return reply }
            } catch {
                throw fail(.malformedReply(stage, reason: error.reason))
            }
        }
    }

    /// A refusal as `kind` when the reply is 4yz or 5yz, but 421, which
    /// closes the connection; any other reply the command does not allow is
    /// unexpected. Both of those end the dialogue.
    func refusal(_ reply: SMTPReply, _ stage: SMTPStage, as kind: (SMTPReply) -> SMTPError) -> SMTPError {
        if reply.code == 421 { return fail(.serviceClosing(stage, reply)) }
        if reply.isTransientFailure || reply.isPermanentFailure { return kind(reply) }
        return fail(.unexpectedReply(stage, reply))
    }

    /// `error`, the dialogue marked as broken.
    func fail(_ error: SMTPError) -> SMTPError {
        usable = false
        return error
    }

    func streamFailure(_ error: StreamError, _ stage: SMTPStage) -> SMTPError {
        switch error {
        case .timedOut: .timedOut(stage)
        case .endOfStream: .serverDisconnected(stage)
        // The server closed its end, and a write or read found out.
        case .system(let failure) where failure.code == EPIPE || failure.code == ECONNRESET:
            .serverDisconnected(stage)
        case .tooLong, .system, .tls: .connection(stage, error)
        }
    }

    /// The writer the message data goes through.
    var dataWriter: BufferedWriter { writer }
}
