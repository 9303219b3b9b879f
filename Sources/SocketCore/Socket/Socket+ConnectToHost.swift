import Glibc

/// Why `Socket.connectStream(toHost:port:deadline:)` made no connection.
public enum HostConnectError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The name did not resolve.
    case cannotResolve(ResolverError)
    /// No address accepted; the last one's error (ECONNREFUSED, ENETUNREACH, ...).
    case failed(SocketError)
    /// The deadline passed before an address accepted.
    case timedOut

    public var description: String {
        switch self {
        case .cannotResolve(let error): error.message
        case .failed(let error): error.description
        case .timedOut: "timed out"
        }
    }
}

extension Socket {
    /// A TCP connection to the first of `host`'s addresses that accepts
    /// before `deadline`: an address literal as it is, a name through the
    /// system resolver, each of its addresses tried in the resolver's order
    /// (RFC 6724 sorted them) with the time that is left. With `noDelay`,
    /// Nagle's algorithm is off (TCP_NODELAY): line protocols that wait for
    /// each reply, and requests written in one piece, should not wait for
    /// an acknowledgement first.
    public static func connectStream(
        toHost host: String, port: UInt16, deadline: MonotonicInstant, noDelay: Bool = true
    )
        throws(HostConnectError) -> (socket: Socket, address: SocketAddress)
    {
        let addresses: [IPAddress]
        if let literal = IPAddress(host) {
            addresses = [literal]
        } else {
            do {
                addresses = try Resolver.hostAddresses(host).addresses
            } catch {
                throw .cannotResolve(error)
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
                    if noDelay { try socket.setOption(.noDelay, to: true) }
                } catch {
                    try? socket.close()
                    throw error
                }
                return (socket, address)
            } catch {
                lastError = error
            }
        }
        if let lastError, lastError.code != ETIMEDOUT { throw .failed(lastError) }
        throw .timedOut
    }
}
