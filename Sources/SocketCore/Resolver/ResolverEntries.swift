/// A host database entry: what `gethostbyname_ex` and `gethostbyaddr` return.
public struct HostEntry: Hashable, Sendable {
    /// The official (canonical) name.
    public var name: String
    public var aliases: [String]
    /// IPv4 addresses for a look-up by name; the family asked for by address.
    public var addresses: [IPAddress]

    public init(name: String, aliases: [String], addresses: [IPAddress]) {
        self.name = name
        self.aliases = aliases
        self.addresses = addresses
    }
}

/// A services database entry (`/etc/services`): what `getservbyname` and
/// `getservbyport` find.
public struct ServiceEntry: Hashable, Sendable {
    public var name: String
    public var aliases: [String]
    public var port: UInt16
    /// The protocol the entry is for, e.g. `tcp`.
    public var protocolName: String

    public init(name: String, aliases: [String], port: UInt16, protocolName: String) {
        self.name = name
        self.aliases = aliases
        self.port = port
        self.protocolName = protocolName
    }
}

/// A protocols database entry (`/etc/protocols`): what `getprotobyname` finds.
public struct ProtocolEntry: Hashable, Sendable {
    public var name: String
    public var aliases: [String]
    /// The IP protocol number, e.g. 6 for TCP.
    public var number: Int32

    public init(name: String, aliases: [String], number: Int32) {
        self.name = name
        self.aliases = aliases
        self.number = number
    }
}

/// The protocol a service look-up is restricted to.
public enum TransportProtocol: String, Hashable, Sendable, CaseIterable {
    case tcp
    case udp
}
