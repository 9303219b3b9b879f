import ArgumentParser
import Glibc
import HTTP
import SocketCore
import SystemPackage

struct GetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get",
        abstract: "The HTTP/1.1 client: fetches URLs and writes their bodies to standard output.",
        discussion: """
            Takes one or more http:// URLs, or the lab's form HOST PORT PATH. Several URLs of one \
            server go over one kept connection. Bodies framed by Content-Length, chunked (with \
            trailers) or the end of the connection are read; a malformed response is refused. \
            Exits 0 for 2xx and 3xx responses, 1 for 4xx and 5xx (the status line on standard \
            error) or a failed exchange, 2 for bad arguments. The local file name comes from -o \
            only, never from the server.
            """
    )

    @Option(name: .customShort("o"), help: ArgumentHelp("Write the bodies to FILE.", valueName: "FILE"))
    var output: String?

    @Flag(name: [.customShort("i"), .long], help: "Write the status line and header fields before the body.")
    var include = false

    @Flag(name: [.customShort("I"), .customLong("head")], help: "Send HEAD and write the response's head.")
    var headOnly = false

    @Flag(name: [.customShort("v"), .long], help: "Show the exchange on standard error (> sent, < received).")
    var verbose = false

    @Option(
        name: [.customShort("H"), .customLong("header")],
        help: ArgumentHelp("Add a request field, 'Name: value'.", valueName: "FIELD"))
    var headers: [String] = []

    @Option(name: [.customShort("X"), .customLong("request")], help: "The request method (default GET).")
    var method: String?

    @Option(help: ArgumentHelp("Send this body (@FILE: a file's bytes); the method becomes POST.", valueName: "DATA"))
    var data: String?

    @Flag(name: [.customShort("L"), .customLong("location")], help: "Follow redirects (at most 10).")
    var followRedirects = false

    @Option(help: "Seconds one exchange may take, connecting included.")
    var timeout: Double = 30

    @Argument(help: ArgumentHelp("URLs, or HOST PORT PATH.", valueName: "URL"))
    var targets: [String] = []

    func validate() throws {
        _ = try urls()
        _ = try requestFields()
        if let method, !FieldSyntax.isToken(method.utf8) {
            throw ValidationError("\(String(reflecting: method)) is not a method name")
        }
        if headOnly && data != nil { throw ValidationError("-I sends no body: --data cannot go with it") }
        guard timeout > 0, timeout <= 86400 else { throw ValidationError("--timeout must be in (0, 86400]") }
    }

    func run() throws {
        // Standard output may be a pipe whose reader leaves: EPIPE, not death.
        signal(SIGPIPE, SIG_IGN)
        let urls = try urls()
        let body = try requestBody()
        let fields = try requestFields()
        let method = HTTPMethod(method ?? (headOnly ? "HEAD" : body != nil ? "POST" : "GET"))
        let destination = try BodyDestination(path: output)
        defer { destination.close() }
        let client = HTTPClient(timeout: .milliseconds(Int64(timeout * 1000)))
        defer { client.close() }
        if verbose { client.onEvent = { writeStandardError(ExchangeText.verbose($0)) } }
        if include || headOnly {
            // curl -i shows the redirects it followed too.
            let previous = client.onEvent
            client.onEvent = { event in
                previous?(event)
                if case .responseHead(let head) = event, !head.isInterim {
                    destination.writeHead(ExchangeText.head(head))
                }
            }
        }
        var failed = false
        for url in urls {
            let request = ClientRequest(method: method, url: url, fields: fields, body: body)
            do {
                let response = try client.send(
                    request, followRedirects: followRedirects,
                    onHead: { destination.begin(expectedBytes: Self.expectedLength($0)) },
                    body: { try destination.write($0) })
                destination.end()
                if response.status.code >= 400 {
                    CommandFailure.report("\(response.url): \(response.status)")
                    failed = true
                }
            } catch {
                destination.end()
                CommandFailure.report("\(url): \(error)")
                failed = true
            }
        }
        if failed { throw ExitCode.failure }
    }

    /// The URLs the arguments name: each an http:// URL, or the lab's
    /// HOST PORT PATH as one.
    func urls() throws -> [HTTPURL] {
        guard !targets.isEmpty else { throw ValidationError("give a URL, or HOST PORT PATH") }
        return try GetTargets.urls(targets).map { text in
            do {
                return try HTTPURL(text)
            } catch {
                throw ValidationError("\(error)")
            }
        }
    }

    /// The -H fields, each checked as the client would send it.
    func requestFields() throws -> HTTPFields {
        var fields = HTTPFields()
        for header in headers {
            let (name, value) = try HeaderArgument.parse(header)
            fields.append(name: name, value: value)
        }
        return fields
    }

    /// --data's bytes: the text, or the file after `@`.
    func requestBody() throws -> [UInt8]? {
        guard let data else { return nil }
        guard data.hasPrefix("@") else { return Array(data.utf8) }
        let path = String(data.dropFirst())
        do {
            let file = try FileDescriptor.open(path, .readOnly, options: .closeOnExec)
            defer { try? file.close() }
            var bytes: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 64 * 1024)
            while true {
                let count = try chunk.withUnsafeMutableBytes { try file.read(into: $0) }
                if count == 0 { return bytes }
                bytes += chunk[..<count]
            }
        } catch {
            throw ValidationError("--data @\(path): \(error)")
        }
    }

    /// The body's length when the head tells it, for the progress bar.
    private static func expectedLength(_ head: ResponseHead) -> Int64? {
        head.fields.first("content-length").flatMap { Int64($0) }
    }
}
