import ArgumentParser
import Glibc
import Protocols
import SocketCore
import SystemPackage

struct EchoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "echo",
        abstract: "The echo client: sends standard input, writes the echo to standard output.",
        discussion: """
            Over a stream (TCP, or UNIX with --unix) the input is sent in chunks of up to \
            1024 bytes, binary-safe, and the command exits 0 once the echo of the last byte \
            has arrived. With --udp each line of input is one datagram and each reply is \
            written followed by a newline; a reply that does not come within --timeout is \
            reported, and the command then exits 1.
            """
    )

    @Flag(help: "Send datagrams (UDP, or a UNIX datagram socket with --unix).")
    var udp = false

    @Option(help: "Seconds to wait for each datagram's echo.")
    var timeout: Double = 1

    @Option(help: "Seconds to wait for the connection to be established.")
    var connectTimeout: Double = 10

    @Option(help: "Talk to this UNIX-domain socket path instead of HOST PORT.")
    var unix: String?

    @Argument(help: "The server's IPv4 or IPv6 address.")
    var host: String?

    @Argument(help: "The server's port.")
    var port: UInt16?

    func validate() throws {
        if unix != nil {
            guard host == nil else { throw ValidationError("--unix replaces HOST PORT; give one or the other") }
        } else {
            guard let host, port != nil else { throw ValidationError("give HOST and PORT, or --unix PATH") }
            guard IPAddress(host) != nil else { throw ValidationError("\(host) is not an IPv4 or IPv6 address") }
        }
        guard timeout > 0, timeout <= 3600 else { throw ValidationError("--timeout must be in (0, 3600]") }
        guard connectTimeout > 0, connectTimeout <= 3600 else {
            throw ValidationError("--connect-timeout must be in (0, 3600]")
        }
    }

    var server: SocketAddress {
        if let unix { return .unix(path: unix) }
        return SocketAddress(IPAddress(host!)!, port: port!)
    }

    func run() throws {
        // Standard output may be a pipe whose reader leaves: EPIPE, not death.
        signal(SIGPIPE, SIG_IGN)
        let socket = try Socket(family: server.family, type: udp ? .datagram : .stream)
        defer { try? socket.close() }
        if udp && server.family == .unix {
            // A UNIX datagram client needs a name of its own to get replies.
            try socket.bind(to: .unix(path: replyPath()))
        }
        try socket.connect(to: server, timeout: .milliseconds(Int64(connectTimeout * 1000)))

        let output = FileDescriptor.standardOutput
        if udp {
            var client = DatagramEchoClient()
            client.timeout = .milliseconds(Int64(timeout * 1000))
            let seconds = timeout
            client.reportMissing = { number, error in
                if let error {
                    writeStandardError("sockworks: no reply to datagram \(number): \(error)\n")
                } else {
                    writeStandardError("sockworks: no reply within \(formatSeconds(seconds)) s to datagram \(number)\n")
                }
            }
            let missing = try client.run(socket: socket, lines: ByteLines(.standardInput), output: output)
            if missing > 0 { throw ExitCode.failure }
        } else {
            _ = try StreamEchoClient().run(socket: socket, input: .standardInput, output: output)
        }
    }

    /// A fresh path beside the system's temporary files, removed on close.
    private func replyPath() -> String {
        let folder = ProcessEnvironment.value("TMPDIR") ?? "/tmp"
        return "\(folder)/sockworks-echo-\(getpid()).sock"
    }
}

/// "1", "0.2", "1.5": seconds as a user typed them.
func formatSeconds(_ seconds: Double) -> String {
    seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
}
