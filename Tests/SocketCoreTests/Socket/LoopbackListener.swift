import SocketCore

/// A TCP listener on 127.0.0.1 (or ::1) with a port the kernel picked.
func loopbackListener(_ family: SocketFamily = .ipv4, backlog: Int32 = 16) throws -> (Socket, SocketAddress) {
    let listener = try Socket(family: family, type: .stream)
    try listener.setOption(.reuseAddress, to: true)
    try listener.bind(to: family == .ipv4 ? .loopbackIPv4(port: 0) : .loopbackIPv6(port: 0))
    try listener.listen(backlog: backlog)
    return (listener, try listener.localAddress)
}

/// Reads until end-of-file.
func receiveAll(_ socket: Socket, chunk: Int = 65536) throws -> [UInt8] {
    var all: [UInt8] = []
    while true {
        let bytes = try socket.receive(maxCount: chunk).get()
        if bytes.isEmpty { return all }
        all += bytes
    }
}
