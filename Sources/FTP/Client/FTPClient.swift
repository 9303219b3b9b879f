import Glibc
import SocketCore
import Streams
import TLS

/// The client side of an FTP dialogue (RFC 959, with RFC 2428's EPSV and
/// EPRT, RFC 3659's SIZE, MDTM, MLSD and REST STREAM, RFC 2389's FEAT and
/// RFC 4217's FTPS) over a control connection it makes itself.
///
/// One command at a time: each is sent and its reply read under one
/// deadline, `options.timeout` from when it starts, so a server that
/// trickles a reply a byte at a time cannot hold the client longer than one
/// that says nothing. Replies are parsed strictly (`FTPReplyParser`).
///
/// After an error that leaves the dialogue in doubt (a broken or timed-out
/// control connection, a malformed reply, a 421, a transfer whose last
/// reply never came) the client sends nothing more: a later command throws
/// `unusable`, and `quit()` only closes the connection. After a refusal,
/// or a transfer that failed and was answered, the dialogue goes on.
///
/// The client is used by one thread at a time.
public final class FTPClient {
    public let options: FTPClientOptions
    /// The FEAT keywords the server offered (RFC 2389), upper-cased: read
    /// after login; none when the server does not know FEAT.
    public private(set) var features: Set<String> = []
    /// Each offered feature's parameters as sent ("STREAM" for REST).
    public private(set) var featureParameters: [String: String] = [:]
    /// The control connection's socket: its peer is where passive data
    /// connections go, its local address where active ones listen.
    let socket: Socket
    /// The control connection after AUTH TLS, whose session the data
    /// connections resume.
    private(set) var controlTLS: TLSStream?
    private var stream: any ByteStream
    private var reader: BufferedReader
    private var writer: BufferedWriter
    /// Whether the dialogue can go on (see the type).
    private var usable = true

    /// Whether commands may still be sent: false after a failure that ended
    /// the dialogue (a broken control connection, a malformed reply, a 421,
    /// an abandoned upload) and after `quit()`. A caller that goes on
    /// connects again.
    public var isUsable: Bool { usable }
    private var closed = false
    /// The TYPE last accepted by the server; nil before the first.
    var currentType: FTPTransferType?
    /// EPSV or EPRT refused with a 5yz once: the server does not know it,
    /// and PASV or PORT is used from then on.
    var extendedPassiveRefused = false
    var extendedPortRefused = false

    private init(socket: Socket, options: FTPClientOptions) {
        self.socket = socket
        self.options = options
        stream = socket
        reader = BufferedReader(socket, capacity: 4096)
        writer = BufferedWriter(socket, capacity: 4096)
    }

    deinit {
        if !closed { try? stream.close(deadline: nil) }
    }

    /// Connects to the first of `host`'s addresses that accepts, reads the
    /// greeting (220, after a 120 "ready in a while" if one comes: RFC 959
    /// section 5.4), and with `options.tls` secures the control connection:
    /// AUTH TLS, PBSZ 0, PROT P (RFC 4217 sections 4, 8 and 9).
    public static func connect(host: String, port: UInt16 = 21, options: FTPClientOptions) throws(FTPError)
        -> FTPClient
    {
        try CommandArgument.checkPath(host, role: "host name")
        let deadline = MonotonicInstant.now.advanced(by: options.timeout)
        let socket: Socket
        do {
            socket = try Socket.connectStream(toHost: host, port: port, deadline: deadline).socket
        } catch .timedOut {
            throw .timedOut(.connect)
        } catch {
            throw .cannotConnect("\(host) port \(port): \(error)")
        }
        let client = FTPClient(socket: socket, options: options)
        do {
            try client.readGreeting()
            if let tls = options.tls { try client.secure(tls) }
        } catch {
            client.close()
            throw error
        }
        return client
    }

    private func readGreeting() throws(FTPError) {
        var reply = try readReply(.greeting, deadline: deadline())
        if reply.code == 120 { reply = try readReply(.greeting, deadline: deadline()) }
        guard reply.code == 220 else { throw refusal(reply, .greeting) }
    }

    /// AUTH TLS, the handshake over the control connection, then PBSZ 0 and
    /// PROT P: every data connection over TLS too.
    private func secure(_ configuration: TLSClientConfiguration) throws(FTPError) {
        let reply = try command("AUTH TLS", .authTLS)
        guard reply.code == 234 else { throw refusal(reply, .authTLS) }
        // Bytes after the 234 would be read as sent under TLS (the STARTTLS
        // injection of CVE-2011-0411).
        guard reader.bufferedCount == 0 else {
            throw fail(.tlsFailed("the server sent \(reader.bufferedCount) bytes after its 234, before the handshake"))
        }
        do {
            let tls = try TLSStream.connect(over: socket, configuration: configuration, deadline: deadline())
            controlTLS = tls
            stream = tls
            reader = BufferedReader(tls, capacity: 4096)
            writer = BufferedWriter(tls, capacity: 4096)
        } catch {
            throw fail(.tlsFailed(error.description))
        }
        try expect(try command("PBSZ 0", .protectionBufferSize), 200, .protectionBufferSize)
        try expect(try command("PROT P", .protection), 200, .protection)
    }

    /// USER, then PASS when asked for (331), then FEAT. A server that wants
    /// an account too (332, ACCT) is not supported.
    public func login(user: String = "anonymous", password: String = "anonymous@") throws(FTPError) {
        try CommandArgument.checkPath(user, role: "user name")
        try CommandArgument.check(password, role: "password")
        let userReply = try command("USER \(user)", .user)
        switch userReply.code {
        case 230:
            break
        case 331:
            let passwordReply = try command("PASS \(password)", .password, shown: "PASS ****")
            switch passwordReply.code {
            case 230, 202: break
            case 332: throw .unsupported("the server asks for an account (ACCT), which is not supported")
            default: throw loginRefusal(passwordReply, .password)
            }
        case 332:
            throw .unsupported("the server asks for an account (ACCT), which is not supported")
        default:
            throw loginRefusal(userReply, .user)
        }
        try readFeatures()
    }

    /// FEAT (RFC 2389 section 3): a 211 lists the features; a 5yz says the
    /// server has none to tell of.
    private func readFeatures() throws(FTPError) {
        let reply = try command("FEAT", .features)
        if reply.code == 211 {
            featureParameters = FeatureReply.features(in: reply)
            features = Set(featureParameters.keys)
        } else if reply.code / 100 != 5 {
            throw refusal(reply, .features)
        }
    }

    /// QUIT, best effort and briefly, then closes the connection. Nothing
    /// may follow.
    public func quit() {
        guard !closed else { return }
        if usable {
            let deadline = MonotonicInstant.now.advanced(by: min(options.timeout, .seconds(2)))
            if (try? send("QUIT", .quit, deadline: deadline)) != nil { _ = try? readReply(.quit, deadline: deadline) }
            usable = false
        }
        close()
    }

    /// Closes the control connection (a TLS one sends its close_notify).
    func close() {
        guard !closed else { return }
        closed = true
        usable = false
        try? stream.close(deadline: MonotonicInstant.now.advanced(by: .seconds(1)))
    }

    // MARK: The dialogue

    /// The deadline of a command starting now.
    func deadline() -> MonotonicInstant {
        MonotonicInstant.now.advanced(by: options.timeout)
    }

    /// Sends one command and reads its reply, under one deadline.
    func command(_ line: String, _ stage: FTPStage, shown: String? = nil) throws(FTPError) -> FTPReply {
        let deadline = deadline()
        try send(line, stage, deadline: deadline, shown: shown)
        return try readReply(stage, deadline: deadline)
    }

    /// Sends one command line; `shown` is what the transcript shows instead
    /// (a secret masked).
    func send(_ line: String, _ stage: FTPStage, deadline: MonotonicInstant, shown: String? = nil) throws(FTPError) {
        guard usable else { throw .unusable(stage) }
        options.transcript?(FTPTranscriptLine(.sent, shown ?? line))
        do {
            try writer.write(line + "\r\n", deadline: deadline)
            try writer.flush(deadline: deadline)
        } catch {
            throw fail(streamFailure(error, stage))
        }
    }

    /// Reads one reply, line by line: the reader bounds each line, the
    /// parser checks it. Lines are read up to LF, not CR LF, so that a bare
    /// LF is refused as soon as it comes rather than waited past.
    func readReply(_ stage: FTPStage, deadline: MonotonicInstant) throws(FTPError) -> FTPReply {
        guard usable else { throw .unusable(stage) }
        var parser = FTPReplyParser()
        while true {
            let line: [UInt8]?
            do {
                // The longest line, its CR counted and its LF not.
                let maxLength = FTPReplyParser.defaultMaxLineLength - 1
                line = try reader.read(until: [0x0A], maxLength: maxLength, deadline: deadline)
            } catch .tooLong {
                throw fail(
                    .malformedReply(
                        stage, reason: "a reply line longer than \(FTPReplyParser.defaultMaxLineLength) octets"))
            } catch {
                throw fail(streamFailure(error, stage))
            }
            guard let line else { throw fail(.serverDisconnected(stage)) }
            let shown = line.last == 0x0D ? line.dropLast() : line[...]
            options.transcript?(FTPTranscriptLine(.received, String(decoding: shown, as: UTF8.self)))
            let step: FTPReplyParser.Step
            do throws(MalformedFTPReply) {
                step = try (line + [0x0A]).withUnsafeBytes { raw in
                    Result { () throws(MalformedFTPReply) in try parser.parse(raw) }
                }.get()
            } catch {
                throw fail(.malformedReply(stage, reason: error.reason))
            }
            if case .reply(let reply, _) = step {
                if reply.code == 421 { throw fail(.serviceClosing(stage, reply)) }
                return reply
            }
        }
    }

    /// Throws unless `reply` has the code the command must get.
    func expect(_ reply: FTPReply, _ code: Int, _ stage: FTPStage) throws(FTPError) {
        guard reply.code == code else { throw refusal(reply, stage) }
    }

    /// Throws unless `reply` is 2yz.
    func expectPositive(_ reply: FTPReply, _ stage: FTPStage) throws(FTPError) {
        guard reply.isPositive else { throw refusal(reply, stage) }
    }

    /// A refusal when the reply is 4yz or 5yz (the dialogue goes on); any
    /// other reply the command does not allow is unexpected, and ends it.
    func refusal(_ reply: FTPReply, _ stage: FTPStage) -> FTPError {
        if reply.code == 421 { return fail(.serviceClosing(stage, reply)) }
        if reply.isNegative { return .refused(stage, reply) }
        return fail(.unexpectedReply(stage, reply))
    }

    private func loginRefusal(_ reply: FTPReply, _ stage: FTPStage) -> FTPError {
        if reply.isNegative && reply.code != 421 { return .loginRefused(reply) }
        return refusal(reply, stage)
    }

    /// `error`, the dialogue marked as broken.
    func fail(_ error: FTPError) -> FTPError {
        usable = false
        return error
    }

    /// A reply that is well formed but says what cannot be used (a 227
    /// without an address): the dialogue is intact.
    func malformed(_ error: MalformedFTPReply, _ stage: FTPStage) -> FTPError {
        .malformedReply(stage, reason: error.reason)
    }

    func streamFailure(_ error: StreamError, _ stage: FTPStage) -> FTPError {
        switch error {
        case .timedOut: .timedOut(stage)
        case .endOfStream: .serverDisconnected(stage)
        // The server closed its end, and a write or read found out.
        case .system(let failure) where failure.code == EPIPE || failure.code == ECONNRESET:
            .serverDisconnected(stage)
        case .tooLong, .system, .tls: .connection(stage, error)
        }
    }
}
