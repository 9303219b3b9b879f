/// One option of a command line: a flag (`-q`, `--raw`) or an option with
/// a value (`-c COUNT`, `--capture FILE`).
struct OptionSpec<Arguments>: Sendable {
    let short: Character?
    let long: String?
    /// The value's name in the help text; nil for a flag.
    let valueName: String?
    let help: String
    /// Stores the option (and its value, for an option that takes one).
    let apply: @Sendable (inout Arguments, String?) throws(UsageError) -> Void
}

/// Bad input on the command line: one line of text, exit status 2.
struct UsageError: Error, Equatable {
    let message: String
    init(_ message: String) { self.message = message }
}

/// Reads a command line as GNU getopt_long(3) does, so that what works with
/// iputils ping works here: flags grouped (`-qn`), values attached or not
/// (`-c1`, `-c 1`), options and operands in any order, `--` ending the
/// options, long options with `=VALUE` or the next word. The errors are
/// glibc's words.
enum OptionScanner {
    /// Applies every option to `arguments` in order; returns the operands.
    static func scan<Arguments>(
        _ words: [String], _ specs: [OptionSpec<Arguments>],
        into arguments: inout Arguments
    ) throws(UsageError) -> [String] {
        var operands: [String] = []
        var index = 0
        /// The word after the current one, as an option's value.
        func nextWord(_ missing: @autoclosure () -> String) throws(UsageError) -> String {
            guard index < words.count else { throw UsageError(missing()) }
            defer { index += 1 }
            return words[index]
        }

        while index < words.count {
            let word = words[index]
            index += 1
            if word == "--" {
                operands += words[index...]
                break
            }
            if word.hasPrefix("--") {
                let body = word.dropFirst(2)
                let name = String(body.prefix { $0 != "=" })
                let attached = body.firstIndex(of: "=").map { String(body[body.index(after: $0)...]) }
                guard let spec = specs.first(where: { $0.long == name }) else {
                    throw UsageError("unrecognized option '\(word)'")
                }
                if spec.valueName == nil {
                    guard attached == nil else { throw UsageError("option '--\(name)' doesn't allow an argument") }
                    try spec.apply(&arguments, nil)
                } else {
                    if let attached {
                        try spec.apply(&arguments, attached)
                    } else {
                        try spec.apply(&arguments, try nextWord("option '--\(name)' requires an argument"))
                    }
                }
            } else if word.hasPrefix("-"), word.count > 1 {
                var letters = word.dropFirst()
                while let letter = letters.popFirst() {
                    guard let spec = specs.first(where: { $0.short == letter }) else {
                        throw UsageError("invalid option -- '\(letter)'")
                    }
                    guard spec.valueName != nil else {
                        try spec.apply(&arguments, nil)
                        continue
                    }
                    // The rest of the word is the value (`-c1`), else the next word.
                    let value =
                        letters.isEmpty
                        ? try nextWord("option requires an argument -- '\(letter)'") : String(letters)
                    try spec.apply(&arguments, value)
                    break
                }
            } else {
                operands.append(word)
            }
        }
        return operands
    }
}
