import SocketCore
import Streams
import TLS

/// A data connection made ready before the transfer command: connected to
/// the server (passive), or listening for it (active).
enum PendingDataConnection {
    case connected(Socket)
    case listening(Socket)

    func close() {
        switch self {
        case .connected(let socket), .listening(let socket): try? socket.close()
        }
    }
}

extension FTPClient {
    /// Makes the data connection ready, sends `line` (after REST when
    /// `restart` is given, RFC 3659 section 5.3), and once the server has
    /// answered 125 or 150 returns the data stream: the accepted connection
    /// in active mode, over TLS after PROT P.
    ///
    /// A refusal of the command leaves the dialogue as it was. A data
    /// connection that fails after the 1yz is abandoned and the transfer's
    /// last reply read (see `abandonTransfer`).
    func startTransfer(_ line: String, _ stage: FTPStage, restart: Int64? = nil) throws(FTPError)
        -> any ByteStream
    {
        let pending = try prepareDataConnection()
        let reply: FTPReply
        do {
            if let restart {
                try expect(try command("REST \(restart)", .restart), 350, .restart)
            }
            reply = try command(line, stage)
        } catch {
            pending.close()
            throw error
        }
        guard reply.isPreliminary else {
            pending.close()
            throw refusal(reply, stage)
        }
        let socket: Socket
        switch pending {
        case .connected(let connected):
            socket = connected
        case .listening(let listener):
            defer { try? listener.close() }
            do {
                socket = try acceptDataConnection(listener)
            } catch {
                throw abandonTransfer(stage, error, replyFirst: true)
            }
        }
        guard let controlTLS, let configuration = options.tls else { return socket }
        var dataConfiguration = configuration
        // RFC 4217 section 10.2: a server may require the data connections
        // to resume the control connection's session (vsftpd's
        // require_ssl_reuse), so that a stranger cannot take its place.
        dataConfiguration.resuming = controlTLS.session
        do {
            return try TLSStream.connect(over: socket, configuration: dataConfiguration, deadline: deadline())
        } catch {
            try? socket.close()
            throw abandonTransfer(stage, .tlsFailed("the data connection's handshake: \(error)"))
        }
    }

    /// After the data connection failed or was closed early: reads the
    /// transfer's last reply (a 425 or 426, or a 226 if the server got to
    /// the end), so that the dialogue can go on, and returns `error`, or
    /// with `replyFirst` a refusal in that reply, which says more. When no
    /// reply comes, the dialogue ends.
    func abandonTransfer(_ stage: FTPStage, _ error: FTPError, replyFirst: Bool = false) -> FTPError {
        guard let reply = try? readReply(stage, deadline: deadline()) else { return error }
        if replyFirst && reply.isNegative { return .transferFailed(stage, reply) }
        return error
    }

    /// The transfer's last reply, once the data has ended (RFC 959 section
    /// 4.2: 226 or 250 when the transfer went through).
    func finishTransfer(_ stage: FTPStage) throws(FTPError) -> FTPReply {
        let reply = try readReply(stage, deadline: deadline())
        guard reply.code == 226 || reply.code == 250 else {
            if reply.isNegative { throw .transferFailed(stage, reply) }
            throw refusal(reply, stage)
        }
        return reply
    }

    private func prepareDataConnection() throws(FTPError) -> PendingDataConnection {
        switch options.dataMode {
        case .passive: .connected(try connectPassive())
        case .active: .listening(try listenActive())
        }
    }

    /// EPSV, or PASV when the server does not know EPSV and the control
    /// connection is IPv4; then a connection to the control connection's
    /// peer at the port named (see `PassiveReply`).
    private func connectPassive() throws(FTPError) -> Socket {
        let peer: SocketAddress
        do {
            peer = try socket.peerAddress
        } catch {
            throw .dataConnectionFailed("the control connection's peer: \(error)")
        }
        var port: UInt16?
        if !extendedPassiveRefused {
            let reply = try command("EPSV", .extendedPassive)
            if reply.code == 229 {
                do {
                    port = try PassiveReply.port(in: reply)
                } catch {
                    throw malformed(error, .extendedPassive)
                }
            } else if reply.code / 100 == 5 {
                extendedPassiveRefused = true
            } else {
                throw refusal(reply, .extendedPassive)
            }
        }
        if port == nil {
            guard case .ipv4 = peer else {
                throw .unsupported("the server refused EPSV, and PASV cannot name a port on IPv6")
            }
            let reply = try command("PASV", .passive)
            guard reply.code == 227 else { throw refusal(reply, .passive) }
            do {
                port = try PassiveReply.address(in: reply).port
            } catch {
                throw malformed(error, .passive)
            }
        }
        let address = peer.withPort(port ?? 0)
        do throws(SocketError) {
            let data = try Socket(family: address.family, type: .stream)
            do throws(SocketError) {
                try data.connect(to: address, timeout: options.timeout)
            } catch {
                try? data.close()
                throw error
            }
            return data
        } catch {
            throw .dataConnectionFailed("connecting to \(address): \(error)")
        }
    }

    /// A socket listening on the control connection's local address (the
    /// one the server can reach this host at), announced with EPRT, or
    /// PORT when the server does not know EPRT and it is IPv4.
    private func listenActive() throws(FTPError) -> Socket {
        let listener: Socket
        let address: SocketAddress
        do throws(SocketError) {
            let local = try socket.localAddress
            listener = try Socket(family: local.family, type: .stream)
            do throws(SocketError) {
                try listener.bind(to: local.withPort(0))
                try listener.listen(backlog: 1)
                address = try listener.localAddress
            } catch {
                try? listener.close()
                throw error
            }
        } catch {
            throw .dataConnectionFailed("listening for the server: \(error)")
        }
        do {
            try announce(address)
        } catch {
            try? listener.close()
            throw error
        }
        return listener
    }

    private func announce(_ address: SocketAddress) throws(FTPError) {
        guard let ip = address.ipAddress, let port = address.port else {
            throw .dataConnectionFailed("listening on \(address), which is not an IP address")
        }
        if !extendedPortRefused {
            // RFC 2428 section 2: EPRT |1|h.h.h.h|port| or |2|ipv6|port|.
            let family = if case .v4 = ip { 1 } else { 2 }
            let reply = try command("EPRT |\(family)|\(ip)|\(port)|", .extendedPort)
            if reply.code == 200 { return }
            guard reply.code / 100 == 5 else { throw refusal(reply, .extendedPort) }
            extendedPortRefused = true
        }
        guard case .v4(let v4) = ip else {
            throw .unsupported("the server refused EPRT, and PORT cannot name an IPv6 address")
        }
        let numbers = v4.bytes.map(String.init) + [String(port >> 8), String(port & 0xFF)]
        try expect(try command("PORT " + numbers.joined(separator: ","), .port), 200, .port)
    }

    /// The server's connection to `listener`, from the control connection's
    /// peer address only: another host that connects first is turned away
    /// (RFC 2577 section 5's port stealing).
    private func acceptDataConnection(_ listener: Socket) throws(FTPError) -> Socket {
        let deadline = deadline()
        let serverAddress: IPAddress?
        do {
            serverAddress = try socket.peerAddress.ipAddress
        } catch {
            throw .dataConnectionFailed("the control connection's peer: \(error)")
        }
        while true {
            let outcome: WaitOutcome
            let accepted: (socket: Socket, peer: SocketAddress)?
            do throws(SocketError) {
                outcome = try listener.waitUntilReadable(until: deadline)
                accepted = outcome == .ready ? try listener.acceptWithPeer().value : nil
            } catch {
                throw .dataConnectionFailed("accepting the server's connection: \(error)")
            }
            if outcome == .timedOut { throw .dataConnectionFailed("the server did not connect in time") }
            guard let accepted else { continue }
            if accepted.peer.ipAddress == serverAddress { return accepted.socket }
            try? accepted.socket.close()
        }
    }
}

extension SocketAddress {
    /// The same address with another port (a scope kept).
    func withPort(_ port: UInt16) -> SocketAddress {
        switch self {
        case .ipv4(let address, _): .ipv4(address, port: port)
        case .ipv6(let address, _, let scopeID): .ipv6(address, port: port, scopeID: scopeID)
        case .unix: self
        }
    }
}
