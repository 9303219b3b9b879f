/// One workload of the web-server benchmark: a file, a number of
/// connections, keep-alive or a new connection per request; or a CGI
/// script, whose output is then the file every response is checked against.
public struct HTTPWorkload: Codable, Sendable, Hashable {
    public var file: HTTPFile
    public var connections: Int
    public var connectionPerRequest: Bool
    /// The script requested instead of the file; nil for a static workload.
    public var cgi: CGIScript?

    public init(file: HTTPFile, connections: Int, connectionPerRequest: Bool = false) {
        self.file = file
        self.connections = connections
        self.connectionPerRequest = connectionPerRequest
    }

    /// Keep-alive GET of `script` over `connections` connections.
    public init(cgi script: CGIScript, connections: Int) {
        self.init(file: CGIScript.output, connections: connections)
        cgi = script
    }

    enum CodingKeys: String, CodingKey {
        case file, connections, connectionPerRequest = "connection_per_request", cgi
    }

    /// The request target.
    public var path: String { cgi?.path ?? file.path }

    /// `keep-alive 1 KiB x128`, `close 1 KiB x16`, `keep-alive 64 MiB x1`,
    /// `cgi C x16`.
    public var name: String {
        if let cgi { return "cgi \(cgi.language) x\(connections)" }
        let size = file.size >= 1 << 20 ? "\(file.size >> 20) MiB" : "\(file.size >> 10) KiB"
        return "\(connectionPerRequest ? "close" : "keep-alive") \(size) x\(connections)"
    }

    /// The large file is checked by checksum: a byte-for-byte compare would
    /// cost the load generator as much as receiving it.
    public var checksumOnly: Bool { file.size > 1 << 20 }

    /// The full suite: keep-alive GET of the small file at 1, 16, 128 and
    /// 1000 connections, a new connection per request at 16, the large
    /// file over one connection.
    public static let full: [HTTPWorkload] =
        [1, 16, 128, 1000].map { HTTPWorkload(file: HTTPFiles.small, connections: $0) } + [
            HTTPWorkload(file: HTTPFiles.small, connections: 16, connectionPerRequest: true),
            HTTPWorkload(file: HTTPFiles.large, connections: 1),
        ]

    /// What CI runs: the small file at 1 and 128 connections.
    public static let quick = [1, 128].map { HTTPWorkload(file: HTTPFiles.small, connections: $0) }

    /// The CGI suite: each script at 1 and 16 keep-alive connections. With
    /// a process per request on two CPUs, 16 connections already keep the
    /// server's CPU busy starting and reaping scripts; more would only
    /// queue.
    public static let cgi: [HTTPWorkload] = CGIScript.allCases.flatMap { script in
        [1, 16].map { HTTPWorkload(cgi: script, connections: $0) }
    }

    /// What CI runs of the CGI suite: the C script at 16 connections.
    public static let cgiQuick = [HTTPWorkload(cgi: .c, connections: 16)]
}
