import Glibc

/// A failed look-up: which look-up, the name asked about, and the resolver's
/// own words for what went wrong (`gai_strerror`, `hstrerror` or `strerror`).
///
/// Its description is one line, e.g.
/// `host "no-such-host.invalid": Name or service not known`.
public struct ResolverError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of look-up that failed; the raw value is the name `sockworks resolve` gives it.
    public enum Lookup: String, Hashable, Sendable {
        case hostName = "hostname"
        case fullyQualifiedDomainName = "fqdn"
        case host
        case hostExtended = "host-ex"
        case address = "addr"
        case service
        case port
        case `protocol`
    }

    /// What the C library reported.
    public enum Code: Hashable, Sendable {
        /// A `getaddrinfo`/`getnameinfo` error, e.g. `EAI_NONAME`.
        case addressInfo(Int32)
        /// An `h_errno` value from a `gethostby*_r` call, e.g. `HOST_NOT_FOUND`.
        case hostDatabase(Int32)
        /// An errno value, e.g. `ERANGE` once the buffer limit is reached.
        case system(Int32)
        /// The services or protocols database has no such entry (the `_r`
        /// calls report this as a null result, without a code).
        case notFound
    }

    public let lookup: Lookup
    /// The C function that failed, e.g. `getaddrinfo` or `gethostbyaddr_r`.
    public let function: String
    /// The name, address or port asked about, as given (empty for `hostname`).
    public let subject: String
    public let code: Code
    /// The resolver's message for `code`.
    public let message: String

    init(_ lookup: Lookup, _ function: String, _ subject: String, _ code: Code) {
        self.lookup = lookup
        self.function = function
        self.subject = subject
        self.code = code
        message = Self.message(for: code, lookup)
    }

    /// True when the name does not exist, as opposed to a resolver that could
    /// not answer (`EAI_AGAIN`, `TRY_AGAIN`, a system error).
    public var isNotFound: Bool {
        switch code {
        case .addressInfo(let code): code == EAI_NONAME
        case .hostDatabase(let code): code == HOST_NOT_FOUND || code == NO_DATA
        case .system: false
        case .notFound: true
        }
    }

    public var description: String {
        // String(reflecting:) quotes and escapes, so a name with a newline
        // still gives one line.
        subject.isEmpty
            ? "\(lookup.rawValue): \(message)"
            : "\(lookup.rawValue) \(String(reflecting: subject)): \(message)"
    }

    private static func message(for code: Code, _ lookup: Lookup) -> String {
        switch code {
        case .addressInfo(let code): String(cString: gai_strerror(code))
        case .hostDatabase(let code): String(cString: hstrerror(code))
        case .system(let code): errnoMessage(code)
        case .notFound:
            switch lookup {
            case .service, .port: "service not found"
            case .protocol: "protocol not found"
            default: "not found"
            }
        }
    }
}
