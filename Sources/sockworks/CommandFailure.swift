import ArgumentParser

/// How every sockworks command reports a failure: one `sockworks: ...` line
/// on standard error, and an exit status scripts can tell apart.
enum CommandFailure {
    /// A bad argument, or a name that does not resolve.
    static let usageStatus = ExitCode(2)

    /// Prints one `sockworks: ...` line on standard error.
    static func report(_ message: String) {
        // Argument-parser messages may wrap; the promise is one line.
        let oneLine = message.split(whereSeparator: \.isNewline).joined(separator: " ")
        writeStandardError("sockworks: \(oneLine)\n")
    }
}
