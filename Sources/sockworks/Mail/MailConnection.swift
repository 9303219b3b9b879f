import Glibc
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
            throw .tls(error)
        }
    }

    /// Every address the name resolves to, in the resolver's order
    /// (RFC 6724), until one accepts.
    private static func connect(_ host: String, port: UInt16, deadline: MonotonicInstant) throws(MailRunError)
        -> Socket
    {
        let addresses: [IPAddress]
        if let literal = IPAddress(host) {
            addresses = [literal]
        } else {
            do {
                addresses = try Resolver.hostAddresses(host).addresses
            } catch {
                throw .cannotResolve(host, error.message)
            }
        }
        var lastError: SocketError?
        for ip in addresses {
            let remaining = MonotonicInstant.now.duration(to: deadline)
            guard remaining > .zero else { break }
            let address = SocketAddress(ip, port: port)
            do throws(SocketError) {
                let socket = try Socket(family: address.family, type: .stream)
                do throws(SocketError) {
                    try socket.connect(to: address, timeout: remaining)
                    // Commands are single lines each awaiting its reply.
                    try socket.setOption(.noDelay, to: true)
                } catch {
                    try? socket.close()
                    throw error
                }
                return socket
            } catch {
                lastError = error
            }
        }
        if let lastError, lastError.code != ETIMEDOUT { throw .cannotConnect("\(host) port \(port)", lastError) }
        throw .connectTimedOut("\(host) port \(port)")
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
