import Subprocess

/// How a program started with `withProgram` ended.
public struct LiveOutcome: Sendable {
    public let status: TerminationStatus
    public let standardOutput: String
    public let standardError: String
    /// Whether the body left it running, so that it had to be killed.
    public let leftRunning: Bool

    public init(status: TerminationStatus, standardOutput: String, standardError: String, leftRunning: Bool) {
        self.status = status
        self.standardOutput = standardOutput
        self.standardError = standardError
        self.leftRunning = leftRunning
    }

    /// The exit code; nil when a signal ended the program.
    public var exitCode: Int32? {
        if case .exited(let code) = status { return code }
        return nil
    }
}
