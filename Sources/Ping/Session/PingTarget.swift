import SocketCore

/// The host pinged.
///
/// Its fields live in one immutable object that copies share: every event
/// of a run is reported with its host, two per probe in a flood, and
/// copying three strings and an address each time cost more than the rest
/// of a reply's handling; copying a reference costs one retain. Setting a
/// field makes a new object (it happens while a target is resolved, never
/// during a run).
public struct PingTarget: Sendable, Equatable {
    private var fields: Fields

    private final class Fields: Sendable {
        let name: String
        let address: IPAddress
        let displayedAddress: String
        let typedName: String
        let scopeID: UInt32

        init(name: String, address: IPAddress, displayedAddress: String, typedName: String, scopeID: UInt32) {
            self.name = name
            self.address = address
            self.displayedAddress = displayedAddress
            self.typedName = typedName
            self.scopeID = scopeID
        }
    }

    public init(name: String, address: IPAddress, displayedAddress: String, typedName: String? = nil,
                scopeID: UInt32 = 0) {
        fields = Fields(name: name, address: address, displayedAddress: displayedAddress,
                        typedName: typedName ?? name, scopeID: scopeID)
    }

    /// As iputils shows it: the name typed, or the canonical name.
    public var name: String {
        get { fields.name }
        set { self = PingTarget(name: newValue, address: address, displayedAddress: displayedAddress,
                                typedName: typedName, scopeID: scopeID) }
    }

    public var address: IPAddress {
        get { fields.address }
        set { self = PingTarget(name: name, address: newValue, displayedAddress: displayedAddress,
                                typedName: typedName, scopeID: scopeID) }
    }

    /// The name and address as printed in the v6 header (`localhost (::1)`).
    public var displayedAddress: String {
        get { fields.displayedAddress }
        set { self = PingTarget(name: name, address: address, displayedAddress: newValue,
                                typedName: typedName, scopeID: scopeID) }
    }

    /// The host as typed on the command line (fping's per-host lines).
    public var typedName: String {
        get { fields.typedName }
        set { self = PingTarget(name: name, address: address, displayedAddress: displayedAddress,
                                typedName: newValue, scopeID: scopeID) }
    }

    /// The interface index of a scoped IPv6 address (`fe80::1%eth0`), else 0.
    public var scopeID: UInt32 {
        get { fields.scopeID }
        set { self = PingTarget(name: name, address: address, displayedAddress: displayedAddress,
                                typedName: typedName, scopeID: newValue) }
    }

    public static func == (a: PingTarget, b: PingTarget) -> Bool {
        a.fields === b.fields
            || (a.name == b.name && a.address == b.address && a.displayedAddress == b.displayedAddress
                && a.typedName == b.typedName && a.scopeID == b.scopeID)
    }
}
