import Servers
import SocketCore

/// The static web server as a `StreamHandler`: every server model runs it
/// unchanged. It is shared by every connection (and thread) of a server;
/// each connection gets an `HTTPSession`.
public struct HTTPHandler: StreamHandler {
    let context: HTTPContext

    public init(site: StaticSite, options: HTTPServerOptions = HTTPServerOptions(), accessLog: AccessLog? = nil) {
        context = HTTPContext(site: site, options: options, accessLog: accessLog)
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
    /// `Server: NAME\r\n`.
    let serverLine: [UInt8]

    init(site: StaticSite, options: HTTPServerOptions, accessLog: AccessLog?) {
        self.site = site
        self.options = options
        self.accessLog = accessLog
        self.serverLine = ResponseHeadWriter.serverLine(options.serverName)
    }
}
