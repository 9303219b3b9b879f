import Glibc

/// A network interface and its IP addresses, as getifaddrs(3) lists them.
public struct NetworkInterface: Sendable, Equatable {
    /// `lo`, `eth0` ...
    public let name: String
    /// The interface is the loopback device. The C constant is `IFF_LOOPBACK`.
    public let isLoopback: Bool
    /// The interface is administratively up. The C constant is `IFF_UP`.
    public let isUp: Bool
    public let addresses: [IPAddress]

    public init(name: String, isLoopback: Bool, isUp: Bool, addresses: [IPAddress]) {
        self.name = name
        self.isLoopback = isLoopback
        self.isUp = isUp
        self.addresses = addresses
    }

    /// Every interface of this network namespace, in the kernel's order.
    /// getifaddrs(3) lists an interface once per address (and once for its
    /// link); the entries are merged by name.
    public static func all() throws(SocketError) -> [NetworkInterface] {
        var list: UnsafeMutablePointer<ifaddrs>?
        _ = try syscallValue("getifaddrs") { getifaddrs(&list) }
        defer { freeifaddrs(list) }

        var order: [String] = []
        var found: [String: NetworkInterface] = [:]
        var entry = list
        while let current = entry {
            defer { entry = current.pointee.ifa_next }
            let name = String(cString: current.pointee.ifa_name)
            let flags = Int32(bitPattern: current.pointee.ifa_flags)
            var interface =
                found[name]
                ?? NetworkInterface(
                    name: name, isLoopback: flags & Int32(IFF_LOOPBACK) != 0, isUp: flags & Int32(IFF_UP) != 0,
                    addresses: [])
            if found[name] == nil { order.append(name) }
            if let address = current.pointee.ifa_addr.flatMap(Self.ipAddress) {
                interface = NetworkInterface(
                    name: name, isLoopback: interface.isLoopback, isUp: interface.isUp,
                    addresses: interface.addresses + [address])
            }
            found[name] = interface
        }
        return order.compactMap { found[$0] }
    }

    /// The IP address of an `ifa_addr`; nil for a link-layer (AF_PACKET)
    /// entry.
    private static func ipAddress(_ address: UnsafeMutablePointer<sockaddr>) -> IPAddress? {
        let length =
            switch Int32(address.pointee.sa_family) {
            case AF_INET: MemoryLayout<sockaddr_in>.size
            case AF_INET6: MemoryLayout<sockaddr_in6>.size
            default: 0
            }
        guard length > 0 else { return nil }
        return SocketAddressStorage(copying: UnsafeRawBufferPointer(start: address, count: length)).address?.ipAddress
    }
}
