extension ReceivedPacket {
    /// The same packet, its sender on interface `scopeID` (what recvmsg
    /// said of a link-local sender), so that it prints as `fe80::1%eth0`.
    func fromScope(_ scopeID: UInt32) -> ReceivedPacket {
        switch self {
        case .reply(var reply):
            reply.senderScopeID = scopeID
            return .reply(reply)
        case .error(var report):
            report.senderScopeID = scopeID
            return .error(report)
        case .ignored:
            return self
        }
    }
}
