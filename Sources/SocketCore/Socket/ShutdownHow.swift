import Glibc

/// Which direction of a connection shutdown(2) ends.
public enum ShutdownHow: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// No more receiving; a reader blocked in the socket wakes up with
    /// end-of-file. The corresponding C constant is `SHUT_RD`.
    case read
    /// No more sending: the peer reads end-of-file (TCP sends FIN). The
    /// corresponding C constant is `SHUT_WR`.
    case write
    /// Both directions. The corresponding C constant is `SHUT_RDWR`.
    case both

    public var rawValue: Int32 {
        switch self {
        case .read: Int32(SHUT_RD)
        case .write: Int32(SHUT_WR)
        case .both: Int32(SHUT_RDWR)
        }
    }

    public init?(rawValue: Int32) {
        switch rawValue {
        case Int32(SHUT_RD): self = .read
        case Int32(SHUT_WR): self = .write
        case Int32(SHUT_RDWR): self = .both
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .read: "SHUT_RD"
        case .write: "SHUT_WR"
        case .both: "SHUT_RDWR"
        }
    }
}
