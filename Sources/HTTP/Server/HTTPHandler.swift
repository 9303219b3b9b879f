import Servers
import SocketCore

/// The static web server as a `StreamHandler`: every server model runs it
/// unchanged. It is shared by every connection (and thread) of a server;
/// each connection gets an `HTTPSession`.
public struct HTTPHandler: StreamHandler {
    let context: HTTPContext

    public init(site: StaticSite, options: HTTPServerOptions = HTTPServerOptions(), accessLog: AccessLog? = nil) {
        context = HTTPContext(site: site, options: options, accessLog: accessLog, scripts: nil)
    }

    /// A server that also runs CGI scripts (`cgi`); `local` is the address
    /// it listens on (SERVER_NAME and SERVER_PORT). Fails when the scripts'
    /// folder cannot be opened.
    public init(
        site: StaticSite, options: HTTPServerOptions = HTTPServerOptions(), accessLog: AccessLog? = nil,
        cgi: CGIOptions, local: SocketAddress?
    ) throws(SystemError) {
        let scripts = try ScriptContext(
            options: cgi, documentRoot: site.root.path, local: local, serverSoftware: options.serverName)
        context = HTTPContext(site: site, options: options, accessLog: accessLog, scripts: scripts)
    }

    public func open(peer: SocketAddress) -> HTTPSession {
        HTTPSession(context: context, peer: peer)
    }
}

/// What every session of one server shares, made once.
final class HTTPContext: Sendable {
    let site: StaticSite
    let options: HTTPServerOptions
    let accessLog: AccessLog?
    /// CGI, when the server runs scripts.
    let scripts: ScriptContext?
    /// `Server: NAME\r\n`.
    let serverLine: [UInt8]
    /// The `Date` line of the current second, formatted once for all sessions.
    let dateTexts = DateTexts()

    init(site: StaticSite, options: HTTPServerOptions, accessLog: AccessLog?, scripts: ScriptContext?) {
        self.site = site
        self.options = options
        self.accessLog = accessLog
        self.scripts = scripts
        self.serverLine = ResponseHeadWriter.serverLine(options.serverName)
    }
}
