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
    private var box: Box

    /// The fields themselves, compared by value.
    private struct Fields: Sendable, Equatable {
        var name: String
        var address: IPAddress
        var displayedAddress: String
        var typedName: String
        var scopeID: UInt32
    }

    private final class Box: Sendable {
        let fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    public init(
        name: String, address: IPAddress, displayedAddress: String, typedName: String? = nil,
        scopeID: UInt32 = 0
    ) {
        box = Box(
            Fields(
                name: name, address: address, displayedAddress: displayedAddress,
                typedName: typedName ?? name, scopeID: scopeID))
    }

    /// A new shared object with one field changed.
    private mutating func update(_ change: (inout Fields) -> Void) {
        var fields = box.fields
        change(&fields)
        box = Box(fields)
    }

    /// As iputils shows it: the name typed, or the canonical name.
    public var name: String {
        get { box.fields.name }
        set { update { $0.name = newValue } }
    }

    public var address: IPAddress {
        get { box.fields.address }
        set { update { $0.address = newValue } }
    }

    /// The name and address as printed in the v6 header (`localhost (::1)`).
    public var displayedAddress: String {
        get { box.fields.displayedAddress }
        set { update { $0.displayedAddress = newValue } }
    }

    /// The host as typed on the command line (fping's per-host lines).
    public var typedName: String {
        get { box.fields.typedName }
        set { update { $0.typedName = newValue } }
    }

    /// The interface index of a scoped IPv6 address (`fe80::1%eth0`), else 0.
    public var scopeID: UInt32 {
        get { box.fields.scopeID }
        set { update { $0.scopeID = newValue } }
    }

    public static func == (a: PingTarget, b: PingTarget) -> Bool {
        a.box === b.box || a.box.fields == b.box.fields
    }
}
