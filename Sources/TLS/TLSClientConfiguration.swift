/// How the server's certificate chain is checked.
public enum TLSVerification: Sendable, Hashable {
    /// Against the system's trusted certificates (OpenSSL's default paths,
    /// /etc/ssl/certs on Debian).
    case systemStore
    /// Against the certificates in one PEM file only.
    case caFile(String)
    /// Not at all: any certificate, for any name, is accepted. Only when a
    /// user asks for it (`--insecure`).
    case none
}

/// The lowest protocol version a client accepts.
public enum TLSProtocolVersion: Sendable, Hashable {
    /// TLS 1.2 (RFC 5246); RFC 8996 retired 1.0 and 1.1.
    case tlsv12
    /// TLS 1.3 (RFC 8446).
    case tlsv13
}

/// What a TLS client needs to know before its handshake.
public struct TLSClientConfiguration: Sendable {
    /// The name the certificate must be for: a DNS name, also sent as the
    /// server name indication (RFC 6066 section 3), or an IP address
    /// literal, checked against the certificate's IP addresses and not sent
    /// (RFC 6066 allows only host names there).
    public var serverName: String
    public var verification: TLSVerification
    public var minimumVersion: TLSProtocolVersion
    /// A session from an earlier connection to the same server, offered for
    /// resumption (RFC 8446 section 2.2, RFC 5077); the server may decline
    /// and make a new one.
    public var resuming: TLSSession?

    public init(serverName: String, verification: TLSVerification = .systemStore) {
        self.serverName = serverName
        self.verification = verification
        minimumVersion = .tlsv12
        resuming = nil
    }
}
