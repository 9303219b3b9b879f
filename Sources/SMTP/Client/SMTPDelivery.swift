/// What became of a mail the server took: the recipients it accepted, the
/// ones it refused, and its reply to the end of the data.
public struct SMTPDelivery: Hashable, Sendable {
    public let accepted: [String]
    public let refused: [SMTPRefusedRecipient]
    /// The 250 that took responsibility for the message (RFC 5321 4.1.1.4).
    public let reply: SMTPReply

    public init(accepted: [String], refused: [SMTPRefusedRecipient], reply: SMTPReply) {
        self.accepted = accepted
        self.refused = refused
        self.reply = reply
    }
}

/// A recipient the server refused at RCPT TO, with its reply.
public struct SMTPRefusedRecipient: Hashable, Sendable, CustomStringConvertible {
    public let address: String
    public let reply: SMTPReply

    public init(address: String, reply: SMTPReply) {
        self.address = address
        self.reply = reply
    }

    /// "<bob@example.org>: 550 5.1.1 no such user".
    public var description: String { "<\(address)>: \(reply)" }
}
