import SocketCore

/// The servers' log: one line per event on standard error, written with one
/// write(2) so that lines from several threads or processes never interleave.
public enum ServerLog {
    public static func write(_ line: String) { TextOutput.write(line + "\n", to: 2) }
}

/// A server failure worth one line.
public struct ServerError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
