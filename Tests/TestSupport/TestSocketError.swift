import Glibc

/// A failed system call of a test's own socket code: the call and errno.
public struct TestSocketError: Error, CustomStringConvertible {
    public let call: String
    public let code: Int32
    public init(_ call: String, _ code: Int32 = errno) {
        self.call = call
        self.code = code
    }
    public var description: String { "\(call): \(String(cString: strerror(code)))" }
}
