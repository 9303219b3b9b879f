import Servers
import SocketCore

/// The listening socket of the textbook's two objects, made by the service
/// bootstrap's `listeningSocket` (socket, SO_REUSEADDR, bind, listen) as
/// every server's is, each failure a `TCPOpenError`.
enum ListeningSocket {
    /// A TCP socket listening on `host` (a numeric IPv4 or IPv6 address) and
    /// `port` (0 lets the kernel pick a free one), and the address it got.
    static func open(host: String, port: UInt16) throws(TCPOpenError) -> (socket: Socket, address: SocketAddress) {
        guard let ip = IPAddress(host) else { throw .badAddress(host) }
        let address = SocketAddress(ip, port: port)
        let socket: Socket
        do throws(SocketError) {
            socket = try ServiceBootstrap.listeningSocket(on: address)
        } catch {
            switch error.call {
            case "bind": throw .bindFailed(address, error)
            case "listen": throw .listenFailed(address, error)
            default: throw .socketFailed(error)
            }
        }
        do throws(SocketError) { return (socket, try socket.localAddress) } catch { throw .socketFailed(error) }
    }
}
