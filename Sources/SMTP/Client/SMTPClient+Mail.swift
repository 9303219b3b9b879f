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
        let sender = try command(mail, .mailFrom)
        guard sender.code == 250 else { throw refusal(sender, .mailFrom, as: SMTPError.senderRefused) }

        var accepted: [String] = []
        var refused: [SMTPRefusedRecipient] = []
        for recipient in recipients {
            let reply = try command("RCPT TO:<\(recipient)>", .recipient)
            if reply.code == 250 || reply.code == 251 {
                accepted.append(recipient)
            } else if reply.code != 421 && (reply.isTransientFailure || reply.isPermanentFailure) {
                refused.append(SMTPRefusedRecipient(address: recipient, reply: reply))
            } else {
                throw refusal(reply, .recipient, as: { _ in .recipientsRefused(refused) })
            }
        }
        guard !accepted.isEmpty else {
            _ = try? command("RSET", .reset)
            throw .recipientsRefused(refused)
        }

        let data = try command("DATA", .data)
        guard data.code == 354 else { throw refusal(data, .data, as: SMTPError.dataRefused) }
        try writeMessage(body)
        let end = try readReply(.endOfData, deadline: deadline(options.effectiveEndOfDataTimeout))
        guard end.code == 250 else { throw refusal(end, .endOfData, as: SMTPError.messageRefused) }
        return SMTPDelivery(accepted: accepted, refused: refused, reply: end)
    }

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
