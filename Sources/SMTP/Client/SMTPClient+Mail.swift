import Streams

/// One mail transaction (RFC 5321 section 3.3): MAIL, RCPT, DATA.
extension SMTPClient {
    /// Sends one mail from `from` ("" for the null reverse-path) to `to`.
    ///
    /// `MAIL FROM:<from>`, with `SIZE=` when the server offers SIZE and
    /// `size` (the message's octets, estimated from above) is given (RFC 1870
    /// section 6); a size over the server's limit fails before MAIL. Then one
    /// `RCPT TO` per recipient: a refused one is collected with its reply,
    /// and the mail still goes to the others; when every one is refused no
    /// DATA is sent, the transaction is reset (RSET), and the error is
    /// `recipientsRefused`. Then DATA, 354, the message as `body` writes it
    /// (see `SMTPDataWriter`), the end of the data, and its 250, awaited for
    /// `options.endOfDataTimeout`.
    ///
    /// If `body` throws, the data is not ended (ending it would deliver half
    /// a message): the connection is closed, and the error is `bodyFailed`,
    /// or `connection` when writing to the server failed.
    ///
    /// When the server offers PIPELINING (RFC 2920), MAIL, the RCPTs and DATA
    /// go out in one write and their replies are read after it: one round
    /// trip instead of one per command, with the same outcomes.
    ///
    /// Addresses that are not ASCII need SMTPUTF8 (RFC 6531 section 3.4),
    /// which is then asked for in MAIL.
    @discardableResult
    public func send(from: String, to recipients: [String], size: Int? = nil, body: (SMTPDataWriter) throws -> Void)
        throws(SMTPError) -> SMTPDelivery
    {
        try CommandArgument.checkMailbox(from, role: "sender")
        guard !recipients.isEmpty else { throw .invalidArgument("a mail needs at least one recipient") }
        for recipient in recipients {
            try CommandArgument.checkMailbox(recipient, role: "recipient")
            guard !recipient.isEmpty else { throw .invalidArgument("a recipient address is empty") }
        }
        let needsUTF8 = !([from] + recipients).allSatisfy(CommandArgument.isASCII)
        if needsUTF8 && !extensions.smtpUTF8 {
            throw .invalidArgument("an address is not ASCII, and the server does not offer SMTPUTF8")
        }
        if let size, let limit = extensions.sizeLimit, size > limit { throw .messageTooLarge(size: size, limit: limit) }

        var mail = "MAIL FROM:<\(from)>"
        if let size, extensions.offersSize { mail += " SIZE=\(max(size, 0))" }
        if needsUTF8 { mail += " SMTPUTF8" }
        var transaction = Transaction(recipients: recipients)
        if extensions.pipelining && recipients.count <= Self.pipelinedRecipients {
            try pipelineEnvelope(mail, &transaction)
        } else {
            try sendEnvelope(mail, &transaction)
        }
        guard !transaction.accepted.isEmpty else {
            _ = try? command("RSET", .reset)
            throw .recipientsRefused(transaction.refused)
        }
        let data: SMTPReply
        if let pipelined = transaction.dataReply { data = pipelined } else { data = try command("DATA", .data) }
        guard data.code == 354 else { throw refusal(data, .data, as: SMTPError.dataRefused) }
        try writeMessage(body)
        let end = try readReply(.endOfData, deadline: deadline(options.effectiveEndOfDataTimeout))
        guard end.code == 250 else { throw refusal(end, .endOfData, as: SMTPError.messageRefused) }
        return SMTPDelivery(accepted: transaction.accepted, refused: transaction.refused, reply: end)
    }

    /// The envelope's replies as they come.
    private struct Transaction {
        let recipients: [String]
        var accepted: [String] = []
        var refused: [SMTPRefusedRecipient] = []
        /// The reply to DATA, when it was pipelined with the envelope.
        var dataReply: SMTPReply?

        init(recipients: [String]) {
            self.recipients = recipients
        }
    }

    /// MAIL, then each RCPT, each awaiting its reply.
    private func sendEnvelope(_ mail: String, _ transaction: inout Transaction) throws(SMTPError) {
        let sender = try command(mail, .mailFrom)
        guard sender.code == 250 else { throw refusal(sender, .mailFrom, as: SMTPError.senderRefused) }
        for recipient in transaction.recipients {
            try record(try command("RCPT TO:<\(recipient)>", .recipient), for: recipient, in: &transaction)
        }
    }

    /// MAIL, every RCPT and DATA in one write, then their replies in order
    /// (RFC 2920 section 3.1: DATA ends the group), each awaited for the
    /// timeout. Every reply is read, whatever came before it, so that the
    /// dialogue stays in step: after a refused MAIL the server refuses the
    /// rest too. A server that answers DATA with 354 when it took no
    /// recipient (or no sender) gets an empty message, "." alone, which it
    /// cannot deliver to anyone (section 3.1 again).
    private func pipelineEnvelope(_ mail: String, _ transaction: inout Transaction) throws(SMTPError) {
        let commands = [mail] + transaction.recipients.map { "RCPT TO:<\($0)>" } + ["DATA"]
        let groupDeadline = deadline()
        for (index, line) in commands.enumerated() {
            try send(
                line, index == 0 ? .mailFrom : .recipient, deadline: groupDeadline, flush: index == commands.count - 1)
        }
        let sender = try readReply(.mailFrom, deadline: groupDeadline)
        if sender.code == 421 { throw fail(.serviceClosing(.mailFrom, sender)) }
        for recipient in transaction.recipients {
            let reply = try readReply(.recipient, deadline: deadline())
            if sender.code == 250 {
                try record(reply, for: recipient, in: &transaction)
            } else if reply.code == 421 {
                throw fail(.serviceClosing(.recipient, reply))
            }
        }
        let data = try readReply(.data, deadline: deadline())
        transaction.dataReply = data
        if data.code == 354 && (sender.code != 250 || transaction.accepted.isEmpty) {
            try send(".", .endOfData, deadline: deadline())
            _ = try readReply(.endOfData, deadline: deadline())
        }
        if sender.code != 250 { throw refusal(sender, .mailFrom, as: SMTPError.senderRefused) }
    }

    /// Files `reply` to RCPT TO for `recipient`: 250 and 251 accept it, 4yz
    /// and 5yz refuse it (but 421, which ends the dialogue).
    private func record(_ reply: SMTPReply, for recipient: String, in transaction: inout Transaction)
        throws(SMTPError)
    {
        if reply.code == 250 || reply.code == 251 {
            transaction.accepted.append(recipient)
        } else if reply.code != 421 && (reply.isTransientFailure || reply.isPermanentFailure) {
            transaction.refused.append(SMTPRefusedRecipient(address: recipient, reply: reply))
        } else {
            let refused = transaction.refused
            throw refusal(reply, .recipient, as: { _ in .recipientsRefused(refused) })
        }
    }

    /// The most recipients sent in one pipelined group: as many as a server
    /// must take (RFC 5321 section 4.5.3.1.8), whose commands and replies
    /// fit in the sockets' buffers, so neither side waits on the other's
    /// reading. More are sent one at a time.
    private static var pipelinedRecipients: Int { 100 }

    private func writeMessage(_ body: (SMTPDataWriter) throws -> Void) throws(SMTPError) {
        let writer = SMTPDataWriter(writer: dataWriter, timeout: options.timeout)
        do {
            try body(writer)
        } catch let error as StreamError {
            close()
            throw streamFailure(error, .endOfData)
        } catch {
            close()
            throw .bodyFailed(String(describing: error))
        }
        do {
            try writer.finish()
        } catch {
            throw fail(streamFailure(error, .endOfData))
        }
        options.transcript?(SMTPTranscriptLine(.sent, "(\(writer.octetCount) octets of message data)"))
        options.transcript?(SMTPTranscriptLine(.sent, "."))
    }
}
