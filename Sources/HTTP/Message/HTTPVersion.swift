/// An HTTP version as a request or status line names it (RFC 9112 section
/// 2.3: `HTTP/` DIGIT `.` DIGIT).
public struct HTTPVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var major: UInt8
    public var minor: UInt8

    public init(major: UInt8, minor: UInt8) {
        self.major = major
        self.minor = minor
    }

    public static let http1_0 = HTTPVersion(major: 1, minor: 0)
    public static let http1_1 = HTTPVersion(major: 1, minor: 1)

    /// Whether a connection persists unless a `Connection: close` says
    /// otherwise (RFC 9112 section 9.3): from HTTP/1.1 on.
    public var persistsByDefault: Bool { self >= .http1_1 }

    public var description: String { "HTTP/\(major).\(minor)" }

    public static func < (left: HTTPVersion, right: HTTPVersion) -> Bool {
        (left.major, left.minor) < (right.major, right.minor)
    }
}
