import Glibc
import SystemPackage

/// The `ftp>` prompt: one command a line from standard input, until `quit`
/// or the end of the input. A bad line or a failed command is reported on
/// its own and the session goes on; the prompt itself shows only when
/// standard input is a terminal, so a script's output is the commands'.
struct FTPPrompt {
    let session: FTPSession

    /// Longer lines are refused, and skipped to their end.
    static let maximumLineLength = 8192

    /// 0 when every line succeeded, 1 when any failed.
    func run() -> Int32 {
        let showsPrompt = isatty(0) == 1
        var lines = FTPLineReader(descriptor: .standardInput, maximumLength: Self.maximumLineLength)
        var failed = false
        while true {
            if showsPrompt { writeStandardOutput("ftp> ") }
            guard let line = lines.next() else { break }
            let request: FTPRequest
            do throws(FTPArgumentError) {
                let words = try FTPWords.split(try line.get())
                if words.isEmpty { continue }
                request = try FTPRequest(words: words, interactive: true)
            } catch {
                CommandFailure.report(error.description)
                failed = true
                continue
            }
            if request == .quit { break }
            if !session.perform(request, interactive: true) { failed = true }
        }
        if showsPrompt { writeStandardOutput("\n") }
        return failed ? 1 : 0
    }
}

/// A prompt line's words: split at spaces and tabs, with double quotes
/// around a word holding spaces (`get "my file.txt"`), and `\"` and `\\`
/// inside them.
enum FTPWords {
    static func split(_ line: String) throws(FTPArgumentError) -> [String] {
        var words: [String] = []
        var word = ""
        var inWord = false
        var quoted = false
        var escaped = false
        for character in line {
            if escaped {
                word.append(character)
                escaped = false
            } else if quoted {
                switch character {
                case "\\": escaped = true
                case "\"": quoted = false
                default: word.append(character)
                }
            } else if character == " " || character == "\t" {
                if inWord { words.append(word) }
                word = ""
                inWord = false
            } else if character == "\"" {
                quoted = true
                inWord = true
            } else {
                word.append(character)
                inWord = true
            }
        }
        guard !quoted else { throw .invalid("a quote is not closed: \(line.debugDescription)") }
        if inWord { words.append(word) }
        return words
    }
}

/// Lines of a descriptor, without their LF (or CR LF), at most
/// `maximumLength` bytes each; a longer one, or one that is not UTF-8 or
/// holds a NUL, is a failure of its own. A read error ends the input.
struct FTPLineReader {
    let descriptor: FileDescriptor
    let maximumLength: Int
    private var buffer: [UInt8] = []
    private var ended = false

    init(descriptor: FileDescriptor, maximumLength: Int) {
        self.descriptor = descriptor
        self.maximumLength = maximumLength
    }

    mutating func next() -> Result<String, FTPArgumentError>? {
        var tooLong = false
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                var line = buffer[..<newline]
                buffer.removeSubrange(...newline)
                if tooLong { return .failure(.invalid("a line longer than \(maximumLength) bytes")) }
                if line.last == 0x0D { line = line.dropLast() }
                return Self.text(line)
            }
            if buffer.count > maximumLength {
                tooLong = true
                buffer.removeAll(keepingCapacity: true)
            }
            if ended {
                guard !buffer.isEmpty || tooLong else { return nil }
                let line = buffer[...]
                buffer = []
                if tooLong { return .failure(.invalid("a line longer than \(maximumLength) bytes")) }
                return Self.text(line)
            }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = (try? chunk.withUnsafeMutableBytes { try descriptor.read(into: $0) }) ?? 0
            if count == 0 {
                ended = true
            } else {
                buffer += chunk[..<count]
            }
        }
    }

    private static func text(_ line: ArraySlice<UInt8>) -> Result<String, FTPArgumentError> {
        guard !line.contains(0) else { return .failure(.invalid("a NUL in the line is refused")) }
        guard let text = String(validating: line, as: UTF8.self) else {
            return .failure(.invalid("the line is not UTF-8"))
        }
        return .success(text)
    }
}
