import SocketCore
import Streams
import TLS

/// The connection `sockworks mail` talks over: TCP to the first of the
/// server's addresses that answers within the timeout, and, for
/// `--tls implicit`, TLS over it before the first byte of SMTP.
enum MailConnection {
    static func open(_ plan: MailPlan) throws(MailRunError) -> (stream: any ByteStream, local: SocketAddress?) {
        let deadline = MonotonicInstant.now.advanced(by: plan.timeout)
        let socket = try connect(plan.host, port: plan.port, deadline: deadline)
        let local = try? socket.localAddress
        guard plan.security == .implicit else { return (socket, local) }
        let configuration = TLSClientConfiguration(serverName: plan.host, verification: plan.verification)
        do {
            return (try TLSStream.connect(over: socket, configuration: configuration, deadline: deadline), local)
        } catch {
            // A failed handshake leaves the socket to its caller.
            try? socket.close()
            throw .tls(error)
        }
    }

    /// Commands are single lines, each waiting for its reply: TCP_NODELAY.
    private static func connect(_ host: String, port: UInt16, deadline: MonotonicInstant) throws(MailRunError)
        -> Socket
    {
        do {
            return try Socket.connectStream(toHost: host, port: port, deadline: deadline).socket
        } catch {
            switch error {
            case .cannotResolve(let failure): throw .cannotResolve(host, failure.message)
            case .failed(let failure): throw .cannotConnect("\(host) port \(port)", failure)
            case .timedOut: throw .connectTimedOut("\(host) port \(port)")
            }
        }
    }
}

/// Why the connection could not be made, before any SMTP.
enum MailRunError: Error, CustomStringConvertible {
    case cannotResolve(String, String)
    case cannotConnect(String, SocketError)
    case connectTimedOut(String)
    case tls(TLSError)

    var description: String {
        switch self {
        case .cannotResolve(let host, let reason): "connecting: \(host): \(reason)"
        case .cannotConnect(let server, let error): "connecting to \(server): \(error)"
        case .connectTimedOut(let server): "connecting to \(server): timed out"
        case .tls(let error): "TLS: \(error)"
        }
    }
}
