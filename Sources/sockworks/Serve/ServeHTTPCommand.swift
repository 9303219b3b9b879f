import ArgumentParser
import HTTP
import Servers
import SocketCore

struct ServeHTTPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "http",
        abstract: "A web server (HTTP/1.1 and 1.0): static files and CGI scripts, on any server model.",
        discussion: """
            Serves the files under --root: persistent connections and pipelining, conditional \
            requests (ETag, Last-Modified: 304), one byte range (206, 416), a 301 for a directory \
            without its slash, MIME types by extension, bodies sent with sendfile(2) (small files \
            from memory: --sendfile-above). With --cgi-bin, /cgi-bin/NAME[/PATH_INFO][?QUERY] runs \
            the executable NAME of that folder as a CGI/1.1 script (RFC 3875: GET, HEAD and POST; no \
            shell; its own process group, killed after --cgi-timeout). Requests \
            are parsed strictly (request smuggling, oversized or slow heads, paths that would \
            leave the root, symlinks out of it are refused). The first line on standard output \
            is "listening on ADDRESS". SIGINT or SIGTERM stops accepting, lets open \
            connections finish for up to --grace seconds, and exits 0.
            """
    )

    @Option(help: ArgumentHelp("The folder to serve.", valueName: "dir"))
    var root: String

    @Option(help: "Address to listen on (IPv4 or IPv6).")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on; 0 picks a free one.")
    var port: UInt16 = 0

    @Option(
        help: ArgumentHelp(
            "Server model (default: epoll).",
            discussion: ServerModel.allCases.filter { $0 != .epollC }.map { "\($0.rawValue): \($0.summary)" }
                .joined(separator: "; ")))
    var model: ServerModel = .epoll

    @Option(
        help:
            "Workers: processes of the prefork model (default: one per online CPU), loops of the epoll model (default: 1)."
    )
    var workers: Int?

    @Option(help: ArgumentHelp("The file a directory request is answered with.", valueName: "name"))
    var index = "index.html"

    @Flag(help: "List a directory that has no index file (otherwise 403).")
    var listing = false

    @Flag(help: "Serve files and folders whose names start with a dot (otherwise 404).")
    var dotFiles = false

    @Option(
        help: ArgumentHelp(
            "Send file bodies over BYTES with sendfile(2); smaller files are kept in memory by the file cache and go out with their head (0: sendfile for every body).",
            valueName: "bytes"))
    var sendfileAbove: Int64 = 16 * 1024

    @Option(
        help: ArgumentHelp(
            "Log every response in the combined log format to FILE, or standard output for -.",
            valueName: "file"))
    var accessLog: String?

    @Option(help: "Seconds a request's header may take to arrive (then 408 and close).")
    var headerTimeout: Double = 10

    @Option(name: .customLong("keepalive-timeout"), help: "Seconds an idle persistent connection stays open.")
    var keepAliveTimeout: Double = 15

    @Option(help: "Seconds a response may wait for the client to read more of it.")
    var sendTimeout: Double = 60

    @Option(help: "Requests served on one connection before it is closed (default: no limit).")
    var maxRequests: Int?

    @Option(
        help: ArgumentHelp(
            "Run the executables of this folder as CGI scripts, at --cgi-prefix (default: no CGI).",
            valueName: "dir"))
    var cgiBin: String?

    @Option(help: ArgumentHelp("The URL prefix of the scripts.", valueName: "path"))
    var cgiPrefix = "/cgi-bin/"

    @Option(help: "Seconds a script may run; then its process group is killed (504).")
    var cgiTimeout: Double = 30

    @Option(help: "Scripts running at once in the whole server; a request beyond gets 503.")
    var cgiMax = 32

    @Option(help: ArgumentHelp("The largest request body a script is given (413 beyond).", valueName: "bytes"))
    var cgiMaxBody: Int64 = 1 << 20

    @Option(help: "Seconds that open connections get to finish after SIGINT or SIGTERM.")
    var grace: Double = 5

    @OptionGroup(title: "Running as a service")
    var service: ServiceOptions

    @OptionGroup(title: "Control port")
    var controlOptions: ControlOptions

    @OptionGroup(title: "Metrics")
    var metrics: MetricsOptions

    func validate() throws {
        guard IPAddress(host) != nil else {
            throw ValidationError("--host \(host) is not an IPv4 or IPv6 address")
        }
        guard model != .epollC else {
            throw ValidationError("--model epoll-c serves the echo service only; use epoll")
        }
        if let workers {
            guard model.hasWorkers else {
                throw ValidationError("--workers applies to the prefork and epoll models only")
            }
            guard (1...256).contains(workers) else { throw ValidationError("--workers must be in 1...256") }
        }
        guard !root.isEmpty else { throw ValidationError("--root needs a folder") }
        guard !index.isEmpty, !index.contains("/") else { throw ValidationError("--index must be a file name") }
        for (name, value) in [
            ("--header-timeout", headerTimeout), ("--keepalive-timeout", keepAliveTimeout),
            ("--send-timeout", sendTimeout),
        ] {
            guard value > 0, value <= 86400 else { throw ValidationError("\(name) must be in (0, 86400] seconds") }
        }
        guard (0...(1 << 20)).contains(sendfileAbove) else {
            throw ValidationError("--sendfile-above must be in 0...1048576 bytes")
        }
        if let maxRequests, maxRequests < 1 { throw ValidationError("--max-requests must be at least 1") }
        guard grace >= 0, grace <= 3600 else { throw ValidationError("--grace must be in 0...3600") }
        if let cgiBin {
            guard !cgiBin.isEmpty else { throw ValidationError("--cgi-bin needs a folder") }
            guard cgiPrefix.hasPrefix("/"), !cgiPrefix.contains("?"), !cgiPrefix.contains("%"),
                cgiPrefix.split(separator: "/").allSatisfy({ $0 != ".." && $0 != "." }),
                !cgiPrefix.split(separator: "/").isEmpty
            else {
                throw ValidationError("--cgi-prefix must be a path such as /cgi-bin/ (not / itself)")
            }
            guard cgiTimeout > 0, cgiTimeout <= 86400 else {
                throw ValidationError("--cgi-timeout must be in (0, 86400] seconds")
            }
            guard (1...4096).contains(cgiMax) else { throw ValidationError("--cgi-max must be in 1...4096") }
            guard (0...(1 << 40)).contains(cgiMaxBody) else {
                throw ValidationError("--cgi-max-body must be in 0...1099511627776 bytes")
            }
        }
        if let accessLog, accessLog.isEmpty {
            throw ValidationError("--access-log needs a file, or - for standard output")
        }
    }

    func run() throws {
        // A daemon changes to /: relative paths are made absolute first.
        let root = service.daemon ? PidFile.absolute(root) : root
        var siteOptions = StaticSiteOptions()
        siteOptions.index = index
        siteOptions.listing = listing
        siteOptions.dotFiles = dotFiles
        siteOptions.copiedFileLimit = sendfileAbove
        let site = try StaticSite(root: root, options: siteOptions)
        let log = try accessLog.map { path throws(SystemError) in
            try AccessLog(path: service.daemon && path != "-" ? PidFile.absolute(path) : path)
        }
        var options = HTTPServerOptions()
        options.headerTimeout = .milliseconds(Int64(headerTimeout * 1000))
        options.keepAliveTimeout = .milliseconds(Int64(keepAliveTimeout * 1000))
        options.sendTimeout = .milliseconds(Int64(sendTimeout * 1000))
        options.maxRequestsPerConnection = maxRequests
        options.serverName = "sockworks/\(SockworksVersion.text)"
        let cgi = cgiBin.map { folder in
            var cgi = CGIOptions(directory: service.daemon ? PidFile.absolute(folder) : folder)
            cgi.prefix = cgiPrefix
            cgi.timeout = .milliseconds(Int64(cgiTimeout * 1000))
            cgi.maxScripts = cgiMax
            cgi.maxRequestBody = cgiMaxBody
            return cgi
        }
        // The scripts' folder is checked now, before the server starts.
        let handler =
            try cgi.map { cgi throws(SystemError) in
                try HTTPHandler(site: site, options: options, accessLog: log, cgi: cgi, local: nil)
            } ?? HTTPHandler(site: site, options: options, accessLog: log)

        var configuration = ServiceConfiguration(
            name: "web server", address: SocketAddress(IPAddress(host)!, port: port), transport: .stream)
        configuration.grace = .milliseconds(Int64(grace * 1000))
        configuration.reusePort = model.needsReusePort && (workers ?? 1) > 1
        configuration.noDelay = true
        service.apply(to: &configuration)
        try controlOptions.apply(to: &configuration)
        metrics.apply(to: &configuration)
        let workers = workers ?? model.defaultWorkers
        configuration.counting = .init(model: model.rawValue, workers: workers)
        try ServiceBootstrap(configuration).run(description: "\(model.rawValue) model") {
            socket, control throws(ServerError) in
            var serving = handler
            if let cgi {
                // Scripts learn the port the server listens on (SERVER_PORT), known once bound.
                do {
                    serving = try HTTPHandler(
                        site: site, options: options, accessLog: log, cgi: cgi, local: try? socket.localAddress)
                } catch {
                    throw ServerError("--cgi-bin: \(error)")
                }
            }
            try model.serve(serving, listener: socket, control: control, workers: workers)
        }
    }
}
