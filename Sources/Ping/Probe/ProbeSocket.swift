import Glibc
import SocketCore

/// Which kind of ICMP socket to use.
public enum ProbeSocketKind: String, Sendable, Equatable {
    /// The unprivileged ping socket first, a raw socket if that is not
    /// allowed (as iputils does).
    case automatic
    /// `SOCK_RAW`: needs root or `CAP_NET_RAW`.
    case raw
    /// `SOCK_DGRAM` with `IPPROTO_ICMP`: needs the group to be in
    /// `net.ipv4.ping_group_range`.
    case datagram
}

/// Why no socket could be had, worded for one line of standard error.
public struct ProbeSocketError: Error, Sendable, CustomStringConvertible {
    public let underlying: SocketError
    public let hint: String?

    public var description: String {
        hint.map { "\(underlying): \($0)" } ?? underlying.description
    }
}

/// An open ICMP socket set up for pinging.
public final class ProbeSocket: Sendable {
    public let socket: Socket
    public let family: ProbeFamily
    public let isRaw: Bool

    init(socket: Socket, family: ProbeFamily, isRaw: Bool) {
        self.socket = socket
        self.family = family
        self.isRaw = isRaw
    }

    /// Opens the socket. With `.automatic`, a ping socket is tried first and
    /// a raw one on the errnos iputils `create_socket` falls back on:
    /// - `EACCES`: our group is not in `net.ipv4.ping_group_range`;
    /// - `EPROTONOSUPPORT`, and `EAFNOSUPPORT` for IPv4: a kernel without
    ///   ping sockets (https://github.com/iputils/iputils/issues/54).
    public static func open(_ family: ProbeFamily, kind: ProbeSocketKind) throws(ProbeSocketError) -> ProbeSocket {
        if kind != .raw {
            do {
                let socket = try Socket(family: family.socketFamily, type: .datagram, protocol: family.socketProtocol)
                return ProbeSocket(socket: socket, family: family, isRaw: false)
            } catch {
                let fallsBack =
                    error.code == EACCES || error.code == EPROTONOSUPPORT
                    || (error.code == EAFNOSUPPORT && family.version == .v4)
                guard kind == .automatic, fallsBack else {
                    throw ProbeSocketError(
                        underlying: error,
                        hint: error.code == EACCES
                            ? "this group may not open ICMP datagram sockets (sysctl net.ipv4.ping_group_range)" : nil)
                }
            }
        }
        do {
            let socket = try Socket(family: family.socketFamily, type: .raw, protocol: family.socketProtocol)
            return ProbeSocket(socket: socket, family: family, isRaw: true)
        } catch {
            let denied = error.code == EPERM || error.code == EACCES
            throw ProbeSocketError(
                underlying: error,
                hint: denied
                    ? "a raw ICMP socket needs root or CAP_NET_RAW (or allow ICMP datagram sockets: sysctl net.ipv4.ping_group_range)"
                    : nil)
        }
    }

    /// Filters, ancillary data, the TTL and the device.
    public func configure(hopLimit: Int?, device: String?, source: IPAddress?) throws(SocketError) {
        // Blocking, so that a flood can wait in recvmsg itself; every other
        // receive and send says MSG_DONTWAIT.
        try socket.setOption(.receiveTimestamps, to: true)
        if isRaw { try family.rawFilter(socket) }
        try family.receiveOptions(socket, isRaw)
        if let hopLimit { try family.setHopLimit(socket, Int32(hopLimit)) }
        if let device { try socket.setOption(.bindToDevice, to: device) }
        if let source { try socket.bind(to: SocketAddress(source, port: 0)) }
    }

    /// Sends one request to `destination`, never waiting for room in the
    /// send buffer. (Through here rather than `socket.send`: a caller that
    /// reaches the socket through the probe retains and releases it around
    /// every call, tens of thousands in a flood.)
    func send(_ request: UnsafeRawBufferPointer, to destination: SocketAddress) throws(SocketError) -> IOResult<Int> {
        try socket.send(request, to: destination, waiting: false)
    }

    /// Receives one datagram into `buffer`, what the kernel said of it into
    /// `message` (see `Socket.receiveMessage(into:message:waiting:)`).
    func receive(
        into buffer: UnsafeMutableRawBufferPointer, message: inout ReceivedMessage,
        waiting: Bool
    ) throws(SocketError) -> IOResult<Int> {
        try socket.receiveMessage(into: buffer, message: &message, waiting: waiting)
    }

    /// The echo identifier our requests carry on the wire: `identifier` on
    /// a raw socket; on a ping socket the one the kernel writes over it,
    /// its "port" (net/ipv4/ping.c `ping_get_port`), which this binds the
    /// socket to get before the first probe rather than at the first send.
    public func wireIdentifier(requested identifier: UInt16) throws(SocketError) -> UInt16 {
        guard !isRaw else { return identifier }
        if let port = try socket.localAddress.port, port != 0 { return port }
        let anywhere: IPAddress =
            family.version == .v4
            ? .v4(IPv4Address(rawValue: 0)) : .v6(IPv6Address(bytes: [UInt8](repeating: 0, count: 16)))
        try socket.bind(to: SocketAddress(anywhere, port: 0))
        return try socket.localAddress.port ?? 0
    }

    /// The echo identifier the kernel gave a ping socket (its "port"),
    /// known once the socket is bound by the first send; nil on raw sockets.
    public var kernelIdentifier: UInt16? {
        guard !isRaw else { return nil }
        return (try? socket.localAddress)?.port
    }
}
