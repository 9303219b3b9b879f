/// Reads one line of the control port's protocol: bytes in, a command or
/// the reason it is refused out. Pure, so the fuzzer compiles it alone.
///
/// A line is words of printable ASCII separated by spaces or tabs, with an
/// optional CR before its LF (already removed by the line reader). With a
/// token the first word must be the token: `TOKEN stats`.
public enum ControlRequest {
    /// Why a line is refused; the text is the reply's `error`.
    public enum Refusal: Error, Equatable, Sendable {
        case empty
        case notText
        case badToken
        case unknownCommand(String)
        case badArguments(String)

        public var message: String {
            switch self {
            case .empty: "empty line: send a command, or help"
            case .notText: "a command is printable ASCII"
            case .badToken: "bad or missing token"
            case .unknownCommand(let name): "unknown command \(name): try help"
            case .badArguments(let usage): "usage: \(usage)"
            }
        }
    }

    /// The command in `line` (without its line end). `token`, when given,
    /// must open the line; it is compared in constant time.
    public static func parse(_ line: ArraySlice<UInt8>, token: [UInt8]?) -> Result<ControlCommand, Refusal> {
        var line = line
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        guard line.allSatisfy({ isBlank($0) || (0x21...0x7e).contains($0) }) else { return .failure(.notText) }
        var words = line.split(whereSeparator: isBlank)
        if let token {
            guard let first = words.first, constantTimeEqual(Array(first), token) else { return .failure(.badToken) }
            words.removeFirst()
        }
        guard let name = words.first.map({ String(decoding: $0, as: UTF8.self) }) else { return .failure(.empty) }
        let arguments = words.dropFirst().map { String(decoding: $0, as: UTF8.self) }
        return command(name, arguments)
    }

    private static func command(_ name: String, _ arguments: [String]) -> Result<ControlCommand, Refusal> {
        let simple: [String: ControlCommand] = [
            "stats": .stats, "connections": .connections, "drain": .drain, "stop": .stop, "help": .help,
        ]
        if let command = simple[name] {
            return arguments.isEmpty ? .success(command) : .failure(.badArguments("\(name) (no arguments)"))
        }
        guard name == "log-level" else { return .failure(.unknownCommand(String(name.prefix(64)))) }
        guard arguments.count == 1, ControlCommand.logLevels.contains(arguments[0]) else {
            return .failure(.badArguments("log-level debug|info|warning"))
        }
        return .success(.logLevel(arguments[0]))
    }

    private static func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }

    /// Whether `given` is `expected`, in a time that depends on the
    /// expected token's length only, so that timing tells a guesser
    /// nothing about how much of a guess was right.
    static func constantTimeEqual(_ given: [UInt8], _ expected: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: given.count ^ expected.count)
        if given.count != expected.count { difference |= 1 }
        for index in expected.indices {
            let byte = index < given.count ? given[index] : 0
            difference |= byte ^ expected[index]
        }
        return difference == 0
    }
}
