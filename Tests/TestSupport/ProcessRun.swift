import Subprocess

/// What one run of a program did, once it has ended.
public struct ProcessRun: Sendable {
    public let status: TerminationStatus
    /// Standard output as bytes: an echo of random bytes is compared exactly.
    public let standardOutputBytes: [UInt8]
    public let standardError: String
    /// The deadline passed and the program was killed.
    public let timedOut: Bool

    public init(status: TerminationStatus, standardOutputBytes: [UInt8], standardError: String, timedOut: Bool) {
        self.status = status
        self.standardOutputBytes = standardOutputBytes
        self.standardError = standardError
        self.timedOut = timedOut
    }

    /// Standard output as text (invalid UTF-8 repaired).
    public var standardOutput: String { String(decoding: standardOutputBytes, as: UTF8.self) }

    /// The exit code; nil when a signal ended the program.
    public var exitCode: Int32? {
        if case .exited(let code) = status { return code }
        return nil
    }
}
