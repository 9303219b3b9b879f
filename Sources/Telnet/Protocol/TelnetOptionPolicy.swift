/// Which options this end agrees to when the peer asks (RFC 855): for each
/// side, the set it says yes to. Every other request is refused once.
public struct TelnetOptionPolicy: Hashable, Sendable {
    /// Options this end performs when the peer says DO.
    public var local: Set<TelnetOption>
    /// Options the peer may perform when it says WILL.
    public var remote: Set<TelnetOption>

    public init(local: Set<TelnetOption>, remote: Set<TelnetOption>) {
        self.local = local
        self.remote = remote
    }

    /// A terminal client's: the server may echo, suppress go-ahead and send
    /// in binary; this end suppresses go-ahead, sends in binary, and says
    /// its terminal type and window size (when it has them).
    public static let client = TelnetOptionPolicy(
        local: [.suppressGoAhead, .binary, .terminalType, .windowSize],
        remote: [.echo, .suppressGoAhead, .binary])

    public func accepts(_ option: TelnetOption, on side: TelnetSide) -> Bool {
        switch side {
        case .local: local.contains(option)
        case .remote: remote.contains(option)
        }
    }
}

/// A terminal's size in characters, as NAWS sends it (RFC 1073).
public struct TelnetWindowSize: Hashable, Sendable {
    public var columns: UInt16
    public var rows: UInt16

    public init(columns: UInt16, rows: UInt16) {
        self.columns = columns
        self.rows = rows
    }
}
