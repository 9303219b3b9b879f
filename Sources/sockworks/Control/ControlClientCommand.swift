import ArgumentParser
import Servers
import SocketCore

/// `sockworks control ADDRESS COMMAND [ARG...]`: one line to a server's
/// control port, its one-line JSON reply on standard output.
struct ControlClientCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "control",
        abstract: "Send one command to a server's control port and print its JSON reply.",
        discussion: """
            ADDRESS is what the server's --control was given: a UNIX socket path, or \
            127.0.0.1:PORT / [::1]:PORT. Commands: stats, connections, log-level \
            debug|info|warning, drain, stop, help. Exits 0 on an "ok":true reply, 1 on an \
            error reply or when the server closes or does not answer in time, 2 on bad arguments.
            """
    )

    @Argument(help: "The control port: a UNIX socket path, or HOST:PORT.")
    var address: String

    @Argument(help: "The command and its arguments.")
    var command: [String]

    @Option(help: ArgumentHelp("Send the token in FILE before the command.", valueName: "file"))
    var tokenFile: String?

    @Option(help: "Seconds to wait for the connection and the reply.")
    var timeout: Double = 5

    func validate() throws {
        guard ControlAddress(address) != nil else {
            throw ValidationError("\(address) is neither a socket path nor a numeric HOST:PORT")
        }
        guard !command.isEmpty else { throw ValidationError("name a command (try help)") }
        guard command.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy { (0x21...0x7e).contains($0) } }) else {
            throw ValidationError("a command is words of printable ASCII")
        }
        guard timeout.isFinite, timeout > 0, timeout <= 3600 else {
            throw ValidationError("--timeout must be in 0...3600 seconds")
        }
    }

    func run() throws {
        var line: [UInt8] = []
        if let tokenFile {
            do {
                line = try ControlToken.read(path: tokenFile) + [UInt8(ascii: " ")]
            } catch {
                CommandFailure.report("\(error)")
                throw CommandFailure.usageStatus
            }
        }
        line += Array(command.joined(separator: " ").utf8) + [UInt8(ascii: "\n")]
        let reply = try exchange(line, with: ControlAddress(address)!.socketAddress)
        writeStandardOutput(reply + "\n")
        guard reply.hasPrefix("{\"ok\":true") else { throw ExitCode.failure }
    }

    /// Sends `line` and reads the reply's line, within the timeout.
    private func exchange(_ line: [UInt8], with address: SocketAddress) throws -> String {
        let limit = Duration.milliseconds(Int64(timeout * 1000))
        let deadline = MonotonicInstant.now + limit
        let socket = try Socket(family: address.family, type: .stream)
        defer { try? socket.close() }
        _ = try socket.connect(to: address, timeout: limit)
        try socket.sendAll(line)
        var reply: [UInt8] = []
        while !reply.contains(UInt8(ascii: "\n")) {
            let left = deadline - .now
            guard left > .zero, try socket.waitUntilReadable(timeout: left) else {
                throw ServerError("\(address): no reply within \(timeout) s")
            }
            guard case .processed(let bytes) = try socket.receive(maxCount: 65536) else { continue }
            guard !bytes.isEmpty else { throw ServerError("\(address) closed the connection without a reply") }
            reply += bytes
        }
        return String(decoding: reply[..<reply.firstIndex(of: UInt8(ascii: "\n"))!], as: UTF8.self)
    }
}
