import Glibc
import SocketCore
import Streams
import SystemPackage
import Telnet

/// The mode on a terminal: raw mode, every key to the server as typed (a
/// lone CR as CR NUL, RFC 854), echoed here unless the server echoes (RFC
/// 857); `^]` stops for a `telnet>` prompt (`TelnetEscapeCommand`); the
/// window size sent again when it changes (RFC 1073). The terminal's
/// settings are put back on every way out.
struct TelnetInteractiveRun {
    /// ^], the escape character of BSD's telnet.
    static let escapeCharacter: UInt8 = 0x1D

    let client: TelnetClient
    let socket: Socket
    let plan: TelnetPlan

    func run() throws(TelnetError) -> Int32 {
        let terminal: TerminalMode
        let signals: TerminalSignals
        do {
            terminal = try TerminalMode(descriptor: 0)
            signals = try TerminalSignals()
        } catch {
            CommandFailure.report("the terminal: \(error)")
            return 1
        }
        defer { signals.close() }
        defer { terminal.restore() }
        writeStandardError("Connected to \(plan.host).\r\nEscape character is '^]'.\r\n")
        do {
            try terminal.enterRaw()
        } catch {
            CommandFailure.report("the terminal: \(error)")
            return 1
        }
        return try loop(terminal: terminal, signals: signals)
    }

    private func loop(terminal: TerminalMode, signals: TerminalSignals) throws(TelnetError) -> Int32 {
        let socketDescriptor = socket.withUnsafeFileDescriptor { $0 }
        let input = FileDescriptorStream(FileDescriptor(rawValue: 0))
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let ready = try waitForInput([socketDescriptor, 0, signals.descriptor], until: nil)
            if ready[2] {
                for number in signals.pending() {
                    if number == SIGWINCH {
                        if let size = TerminalMode.size(of: 1) {
                            try client.setWindowSize(columns: size.columns, rows: size.rows)
                        }
                    } else {
                        writeStandardError("\r\nsockworks: stopped by signal \(number)\r\n")
                        return 1
                    }
                }
            }
            if ready[0] {
                try receiveWhatIsThere(client)
                if client.peerClosed {
                    writeStandardError("\r\nConnection closed by foreign host.\r\n")
                    return 0
                }
            }
            guard ready[1] else { continue }
            let count: Int
            do {
                count = try input.read(into: &buffer)
            } catch {
                throw .stream(error)
            }
            if count == 0 { return 0 }
            let typed = buffer[..<count]
            guard let escape = typed.firstIndex(of: Self.escapeCharacter) else {
                try type(Array(typed))
                continue
            }
            try type(Array(typed[..<escape]))
            terminal.restore()
            let outcome = try TelnetEscapeCommand(client: client, host: plan.host, port: plan.port).prompt()
            if outcome == .quit { return 0 }
            do {
                try terminal.enterRaw()
            } catch {
                CommandFailure.report("the terminal: \(error)")
                return 1
            }
        }
    }

    /// Sends typed keys, and echoes them when the server does not.
    private func type(_ keys: [UInt8]) throws(TelnetError) {
        guard !keys.isEmpty else { return }
        try client.write(keys)
        guard !client.session.isEnabled(.echo, on: .remote) else { return }
        var echo: [UInt8] = []
        for key in keys {
            echo.append(key)
            if key == 0x0D { echo.append(0x0A) }
        }
        ReceivedOutput.write(echo)
    }
}

/// The `telnet>` prompt of the escape character: one command, then back to
/// the session (or the end of it).
struct TelnetEscapeCommand {
    enum Outcome: Equatable {
        case resume, quit
    }

    let client: TelnetClient
    let host: String
    let port: UInt16

    static let help = """
        close     close the connection and exit
        quit      the same
        status    the connection and its options
        send ayt  Are You There; send brk  Break; send ip  Interrupt Process
        (an empty line goes back to the session)

        """

    func prompt() throws(TelnetError) -> Outcome {
        writeStandardOutput("\ntelnet> ")
        guard let line = Self.readLine() else { return .quit }
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        switch words {
        case []:
            return .resume
        case ["close"], ["quit"], ["c"], ["q"]:
            writeStandardOutput("Connection closed.\n")
            return .quit
        case ["status"], ["st"]:
            writeStandardOutput(status())
        case ["send", "ayt"]:
            try client.send(.areYouThere)
        case ["send", "brk"]:
            try client.send(.breakKey)
        case ["send", "ip"]:
            try client.send(.interruptProcess)
        default:
            writeStandardOutput("?Invalid command: \(line)\n" + Self.help)
        }
        return .resume
    }

    func status() -> String {
        var lines = ["Connected to \(host) port \(port).", "Escape character is '^]'."]
        let options = client.session.negotiatedOptions
        if options.isEmpty { lines.append("No options negotiated.") }
        for entry in options {
            let who = entry.side == .local ? "we" : "the server"
            lines.append(
                "  \(entry.option): \(entry.state) (\(who) \(entry.side == .local ? "perform" : "performs") it)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One line from standard input, in the terminal's normal mode; nil at
    /// its end.
    private static func readLine() -> String? {
        let input = FileDescriptorStream(FileDescriptor(rawValue: 0))
        var line: [UInt8] = []
        var byte: [UInt8] = [0]
        while line.count < 1024 {
            guard let count = try? input.read(into: &byte), count == 1 else { return line.isEmpty ? nil : text(line) }
            if byte[0] == 0x0A { break }
            line.append(byte[0])
        }
        return text(line)
    }

    private static func text(_ bytes: [UInt8]) -> String {
        String(decoding: bytes.filter { $0 != 0x0D }, as: UTF8.self)
    }
}
