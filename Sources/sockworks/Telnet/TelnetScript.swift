import SystemPackage

/// One step of a script: wait for text, or send it.
enum TelnetStep: Equatable {
    case expect([UInt8])
    case send([UInt8])
}

/// A bad argument of `sockworks telnet` (exit 2).
enum TelnetArgumentError: Error, Equatable, CustomStringConvertible {
    case invalid(String)

    var description: String {
        switch self {
        case .invalid(let why): why
        }
    }
}

/// The scripts of `sockworks telnet`: `--expect`/`--send` pairs, or a file
/// of `expect TEXT` and `send TEXT` lines, their text with escapes.
enum TelnetScript {
    /// More than any script typed by hand.
    static let maximumScriptSize = 1 << 20

    /// expect[0], send[0], expect[1], send[1], ...; one expectation more
    /// than sends may end the script. An empty expectation is met at once,
    /// so a script can begin with a send.
    static func steps(expects: [String], sends: [String]) throws(TelnetArgumentError) -> [TelnetStep] {
        guard sends.count == expects.count || expects.count == sends.count + 1 else {
            throw .invalid(
                "--expect and --send come in pairs (\(expects.count) --expect, \(sends.count) --send)")
        }
        var steps: [TelnetStep] = []
        for (index, text) in expects.enumerated() {
            steps.append(.expect(try unescape(text)))
            if index < sends.count { steps.append(.send(try unescape(sends[index]))) }
        }
        return steps
    }

    /// The steps of a script file: one `expect TEXT` or `send TEXT` a line
    /// (the text is everything after the first space), blank lines and
    /// lines starting with `#` skipped.
    static func steps(fromFile path: String) throws(TelnetArgumentError) -> [TelnetStep] {
        var bytes: [UInt8] = []
        do {
            let descriptor = try FileDescriptor.open(FilePath(path), .readOnly, options: .closeOnExec)
            defer { try? descriptor.close() }
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            while true {
                let count = try buffer.withUnsafeMutableBytes { try descriptor.read(into: $0) }
                if count == 0 { break }
                bytes += buffer[..<count]
                guard bytes.count <= maximumScriptSize else {
                    throw TelnetArgumentError.invalid("the script \(path) is larger than \(maximumScriptSize) bytes")
                }
            }
        } catch let error as TelnetArgumentError {
            throw error
        } catch {
            throw .invalid("cannot read the script \(path): \(error)")
        }
        return try steps(fromText: String(decoding: bytes, as: UTF8.self), name: path)
    }

    static func steps(fromText text: String, name: String) throws(TelnetArgumentError) -> [TelnetStep] {
        var steps: [TelnetStep] = []
        // Split as bytes: a String takes CR LF as one Character, not a LF.
        let lines = Array(text.utf8).split(separator: 0x0A, omittingEmptySubsequences: false)
        for (index, rawLine) in lines.enumerated() {
            let bytes = rawLine.last == 0x0D ? rawLine.dropLast() : rawLine
            let line = String(decoding: bytes, as: UTF8.self)
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) || line.hasPrefix("#") { continue }
            let word = line.prefix { $0 != " " }
            let rest = String(line.dropFirst(word.count + 1))
            switch word {
            case "expect": steps.append(.expect(try unescape(rest)))
            case "send": steps.append(.send(try unescape(rest)))
            default: throw .invalid("\(name) line \(index + 1): not 'expect TEXT' or 'send TEXT'")
            }
        }
        return steps
    }

    /// `\r`, `\n`, `\t` and `\\` made the bytes they name; any other
    /// backslash is an error rather than a guess.
    static func unescape(_ text: String) throws(TelnetArgumentError) -> [UInt8] {
        var bytes: [UInt8] = []
        var escaped = false
        for byte in text.utf8 {
            if escaped {
                switch byte {
                case UInt8(ascii: "r"): bytes.append(0x0D)
                case UInt8(ascii: "n"): bytes.append(0x0A)
                case UInt8(ascii: "t"): bytes.append(0x09)
                case UInt8(ascii: "\\"): bytes.append(byte)
                default:
                    throw .invalid("unknown escape \\\(Character(Unicode.Scalar(byte))) in \(text.debugDescription)")
                }
                escaped = false
            } else if byte == UInt8(ascii: "\\") {
                escaped = true
            } else {
                bytes.append(byte)
            }
        }
        if escaped { throw .invalid("a lone backslash at the end of \(text.debugDescription)") }
        return bytes
    }
}
