/// A request method (RFC 9110 section 9). The methods RFC 9110 and RFC 5789
/// define are cases, so a server can tell a method it knows but does not
/// allow on a resource (`405`) from one it has never heard of (`501`).
public enum HTTPMethod: Sendable, Hashable, CustomStringConvertible {
    case get, head, post, put, delete, connect, options, trace, patch
    /// Any other token (RFC 9110 section 9.1: methods are case-sensitive).
    case other(String)

    /// The method named by `token`, exactly as sent.
    public init(_ token: some StringProtocol) {
        switch token {
        case "GET": self = .get
        case "HEAD": self = .head
        case "POST": self = .post
        case "PUT": self = .put
        case "DELETE": self = .delete
        case "CONNECT": self = .connect
        case "OPTIONS": self = .options
        case "TRACE": self = .trace
        case "PATCH": self = .patch
        default: self = .other(String(token))
        }
    }

    /// The method named by the bytes of `token` (a request line's first
    /// word); the common methods are told apart without making a String.
    public init(bytes token: UnsafeRawBufferPointer) {
        if token.count == 3, token[0] == 0x47, token[1] == 0x45, token[2] == 0x54 {  // GET
            self = .get
        } else if token.count == 4, token[0] == 0x48, token[1] == 0x45, token[2] == 0x41, token[3] == 0x44 {  // HEAD
            self = .head
        } else {
            self.init(String(decoding: token, as: UTF8.self))
        }
    }

    /// Whether RFC 9110 or RFC 5789 defines it.
    public var isStandard: Bool {
        if case .other = self { return false }
        return true
    }

    public var description: String {
        switch self {
        case .get: "GET"
        case .head: "HEAD"
        case .post: "POST"
        case .put: "PUT"
        case .delete: "DELETE"
        case .connect: "CONNECT"
        case .options: "OPTIONS"
        case .trace: "TRACE"
        case .patch: "PATCH"
        case .other(let token): token
        }
    }
}
