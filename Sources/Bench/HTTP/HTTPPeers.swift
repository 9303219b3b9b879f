import Glibc
import SocketCore

/// The web servers measured beside the sockworks models, each with one
/// worker and no access log, in a configuration written into the run's
/// folder, listening on 127.0.0.1 only, run as an ordinary process.
public enum HTTPPeer: String, CaseIterable, Sendable {
    case nginx
    /// nginx with `sendfile on; tcp_nopush on` for every file: the setting
    /// its documentation suggests, measured to compare with the default.
    case nginxSendfile = "nginx-sendfile"
    case lighttpd
    case python

    /// The target, with its configuration written into `folder`; nil with
    /// the reason when the peer is not installed, or, with `cgiBin` (the
    /// folder of the CGI suite's scripts), when it has no CGI.
    public func target(root: String, folder: String, cgiBin: String? = nil) throws -> Result<EchoTarget, BenchError> {
        if cgiBin != nil, let why = withoutCGI { return .failure(BenchError(why)) }
        let port = try Self.unusedPort()
        switch self {
        case .nginx, .nginxSendfile:
            guard access("/usr/sbin/nginx", X_OK) == 0 else { return .failure(BenchError("nginx is not installed")) }
            let prefix = folder + "/\(rawValue)"
            try BenchPaths.makeFolder(prefix + "/logs")
            try BenchPaths.makeFolder(prefix + "/tmp")
            let conf = prefix + "/nginx.conf"
            try BenchPaths.write(
                Self.nginxConfig(root: root, port: port, sendfileEverywhere: self == .nginxSendfile), to: conf)
            return .success(
                EchoTarget(
                    name: rawValue, isPeer: true,
                    command: ["/usr/sbin/nginx", "-c", conf, "-p", prefix, "-e", prefix + "/logs/error.log"],
                    port: port))
        case .lighttpd:
            guard access("/usr/sbin/lighttpd", X_OK) == 0 else {
                return .failure(BenchError("lighttpd is not installed"))
            }
            let conf = folder + "/lighttpd.conf"
            try BenchPaths.write(
                Self.lighttpdConfig(root: root, port: port, folder: folder)
                    + (cgiBin.map { Self.lighttpdCGIConfig(cgiBin: $0) } ?? ""), to: conf)
            return .success(
                EchoTarget(name: rawValue, isPeer: true, command: ["/usr/sbin/lighttpd", "-D", "-f", conf], port: port))
        case .python:
            guard access("/usr/bin/env", X_OK) == 0 else { return .failure(BenchError("no /usr/bin/env")) }
            // http.server logs every request to standard error, with no
            // option to stop it: the line goes to /dev/null (it is still
            // formatted, a cost the other peers do not pay). --protocol
            // HTTP/1.1 (Python 3.11 and later) keeps connections alive; its
            // default, HTTP/1.0, closes after every response.
            return .success(
                EchoTarget(
                    name: rawValue, isPeer: true,
                    command: [
                        "/bin/sh", "-c", "exec \"$0\" \"$@\" 2>/dev/null", "python3", "-m", "http.server",
                        "--bind", "127.0.0.1", "--directory", root, "--protocol", "HTTP/1.1", "\(port)",
                    ],
                    port: port))
        }
    }

    /// nginx, as its documentation advises for static files: one worker
    /// without the master process (the benchmark pins one process), no
    /// access log, open_file_cache so that a request opens and stats no
    /// file, keep-alive limits raised above any run's request count.
    /// sendfile and tcp_nopush are off for the small file: on this machine
    /// they cost nginx 29-37 µs of CPU per 1 KiB keep-alive request against
    /// 21 without (seven system calls a request instead of three), measured
    /// again by the `nginx-sendfile` target; the 64 MiB file has sendfile on.
    static func nginxConfig(root: String, port: UInt16, sendfileEverywhere: Bool) -> String {
        let small = sendfileEverywhere ? "sendfile on; tcp_nopush on;" : "sendfile off; tcp_nopush off;"
        return """
            # Made by sockworks bench http.
            daemon off;
            master_process off;
            worker_processes 1;
            pid nginx.pid;
            error_log logs/error.log warn;
            events { worker_connections 20000; }
            http {
                access_log off;
                default_type application/octet-stream;
                client_body_temp_path tmp/body;
                proxy_temp_path tmp/proxy;
                fastcgi_temp_path tmp/fastcgi;
                uwsgi_temp_path tmp/uwsgi;
                scgi_temp_path tmp/scgi;
                open_file_cache max=1000 inactive=20s;
                open_file_cache_valid 30s;
                keepalive_requests 1000000;
                keepalive_timeout 65;
                \(small)
                server {
                    listen 127.0.0.1:\(port);
                    root \(root);
                    location = \(HTTPFiles.large.path) { sendfile on; }
                }
            }

            """
    }

    /// lighttpd with no worker processes of its own (server.max-worker 0:
    /// the one process serves), no access log (mod_accesslog not loaded),
    /// keep-alive requests per connection raised from its default 1000.
    static func lighttpdConfig(root: String, port: UInt16, folder: String) -> String {
        """
        # Made by sockworks bench http.
        server.document-root = "\(root)"
        server.bind = "127.0.0.1"
        server.port = \(port)
        server.max-worker = 0
        server.max-keep-alive-requests = 65535
        server.max-keep-alive-idle = 65
        server.max-fds = 16384
        server.max-connections = 8192
        server.errorlog = "\(folder)/lighttpd-error.log"
        server.modules = ()
        mimetype.assign = ("" => "application/octet-stream")

        """
    }

    /// Why the peer cannot run the CGI suite; nil for lighttpd.
    var withoutCGI: String? {
        switch self {
        case .nginx, .nginxSendfile: "nginx has no CGI (only FastCGI, SCGI and uwsgi)"
        case .python: "http.server's CGI handler is deprecated (removed in Python 3.13); not measured"
        case .lighttpd: nil
        }
    }

    /// mod_cgi added to lighttpdConfig, as lighttpd's mod_cgi documentation
    /// and Debian's 10-cgi.conf set it up: `/cgi-bin/` aliased to the
    /// scripts' folder (mod_alias), `cgi.assign = ("" => "")` there so that
    /// every file runs as its own executable (a script through its `#!`
    /// line), and `cgi.execute-x-only` so that only executables run.
    static func lighttpdCGIConfig(cgiBin: String) -> String {
        """
        server.modules += ("mod_alias", "mod_cgi")
        alias.url = ("/cgi-bin/" => "\(cgiBin)/")
        $HTTP["url"] =~ "^/cgi-bin/" {
            cgi.assign = ("" => "")
            cgi.execute-x-only = "enable"
        }

        """
    }

    /// A port that was free a moment ago (the peers take a fixed port).
    static func unusedPort() throws -> UInt16 {
        var address: SocketAddress?
        do throws(SocketError) {
            let socket = try Socket(family: .ipv4, type: .stream)
            defer { try? socket.close() }
            try socket.bind(to: .loopbackIPv4(port: 0))
            address = try socket.localAddress
        } catch {
            throw BenchError("cannot find a free port: \(error)")
        }
        guard case .ipv4(_, let port) = address else { throw BenchError("cannot find a free port") }
        return port
    }
}
