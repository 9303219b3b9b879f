/// A failed system call: the errno the kernel returned, the call, and what it
/// was called on. Every call SocketCore makes fails with one, and so do the
/// calls other modules make through `SystemCall`; sockets know it by the name
/// `SocketError`.
///
/// Its description is one line, `call: ENAME (text)`, or with a detail
/// `call(detail): ENAME (text)`, e.g.
/// `connect(127.0.0.1:9): ECONNREFUSED (Connection refused)`.
public struct SystemError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The errno value (positive), as `errno.h` defines it.
    public let code: Int32
    /// The system call that failed, e.g. `connect`.
    public let call: String
    /// What the call was made on, e.g. `127.0.0.1:9`, `SO_REUSEADDR` or a
    /// path; nil when nothing useful can be said.
    public let detail: String?

    public init(code: Int32, call: String, detail: String? = nil) {
        self.code = code
        self.call = call
        self.detail = detail
    }

    /// The symbolic name of `code`, e.g. `ECONNREFUSED`.
    public var name: String { errnoName(code) }

    /// The C library's message for `code`, e.g. `Connection refused`.
    public var message: String { errnoMessage(code) }

    /// `call` or `call(detail)`: the part before the colon.
    public var subject: String { detail.map { "\(call)(\($0))" } ?? call }

    public var description: String { "\(subject): \(name) (\(message))" }
}
