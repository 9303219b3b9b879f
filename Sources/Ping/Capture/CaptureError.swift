/// Why a capture could not be had, in one line for standard error.
public struct CaptureError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
