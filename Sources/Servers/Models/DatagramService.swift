import SocketCore

/// What a datagram command runs: the plain server or the batched one, on
/// one socket or on `workers` sockets sharing its port (SO_REUSEPORT, the
/// kernel spreading senders over them by their address), one thread each.
public enum DatagramService {
    /// Serves `socket` (and, for `workers` above 1, sockets bound to its
    /// address; `socket` must have SO_REUSEPORT, set before its bind) until
    /// `control.stop()`. The extra sockets are closed before returning;
    /// `socket` stays the caller's.
    public static func run<Handler: DatagramHandler>(
        handler: Handler, socket: Socket, control: ServerControl, batched: Bool, workers: Int = 1
    ) throws(ServerError) {
        let sockets = try DatagramWorkers.sockets(sharing: socket, workers: workers)
        defer { for extra in sockets.dropFirst() { try? extra.close() } }
        if !batched {
            // The plain server blocks in recvfrom; the stop shuts each
            // socket's read side to wake it (ServerControl holds only the
            // last one a worker named).
            for socket in sockets { control.whenStopping { try? socket.shutdown(.read) } }
        }
        try EpollWorkers.run(sockets.count) { index in
            if batched {
                do throws(ServerError) {
                    try BatchedDatagramServer(handler: handler, control: control, worker: index).run(
                        socket: sockets[index])
                } catch {
                    control.stop()
                    return error
                }
            } else {
                DatagramServer(handler: handler, control: control, worker: index).run(socket: sockets[index])
            }
            return nil
        }
    }
}

/// The sockets of a datagram service's workers: the one given, and one more
/// per further worker bound to the same address with SO_REUSEPORT.
enum DatagramWorkers {
    static func sockets(sharing socket: Socket, workers: Int) throws(ServerError) -> [Socket] {
        guard workers > 1 else { return [socket] }
        let address: SocketAddress
        do { address = try socket.localAddress } catch { throw ServerError("datagram: \(error)") }
        guard address.family != .unix else {
            throw ServerError("datagram: --workers above 1 needs a UDP socket (SO_REUSEPORT)")
        }
        var all = [socket]
        do throws(SocketError) {
            for _ in 1..<workers {
                let extra = try Socket(family: address.family, type: .datagram)
                all.append(extra)
                try extra.setOption(.reuseAddress, to: true)
                try extra.setOption(.reusePort, to: true)
                try extra.bind(to: address)
            }
            return all
        } catch {
            for extra in all.dropFirst() { try? extra.close() }
            throw ServerError("datagram: \(error)")
        }
    }
}
