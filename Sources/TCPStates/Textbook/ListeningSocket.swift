import SocketCore

/// The listening socket of the textbook's two objects: socket, bind, listen,
/// each failure a `TCPOpenError`. The one place both objects make their
/// listener, so that it can move onto the servers' service bootstrap
/// without either object changing.
enum ListeningSocket {
    /// A TCP socket listening on `host` (a numeric IPv4 or IPv6 address) and
    /// `port` (0 lets the kernel pick a free one), and the address it got.
    ///
    /// SO_REUSEADDR lets a server restarted at once bind the port its last
    /// run left in TIME-WAIT; a port another socket listens on still fails
    /// with EADDRINUSE.
    static func open(host: String, port: UInt16) throws(TCPOpenError) -> (socket: Socket, address: SocketAddress) {
        guard let ip = IPAddress(host) else { throw .badAddress(host) }
        let address = SocketAddress(ip, port: port)
        let socket: Socket
        do throws(SocketError) {
            socket = try Socket(family: address.family, type: .stream)
            try socket.setOption(.reuseAddress, to: true)
        } catch {
            throw .socketFailed(error)
        }
        // A failure below closes the socket when it goes out of scope.
        do throws(SocketError) { try socket.bind(to: address) } catch { throw .bindFailed(address, error) }
        do throws(SocketError) { try socket.listen() } catch { throw .listenFailed(address, error) }
        do throws(SocketError) { return (socket, try socket.localAddress) } catch { throw .socketFailed(error) }
    }
}
