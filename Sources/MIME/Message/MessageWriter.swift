/// Writes a message (RFC 5322, MIME) to an output as it reads its files:
/// a chunk of a file is read, encoded and handed on before the next is
/// read, so memory stays the same whatever the attachments weigh.
///
/// Every line written ends CRLF. Errors are those of the output, as it
/// throws them, and `MailFormatError.unreadableFile` for a file that can no
/// longer be read.
public enum MessageWriter {
    public static func write(_ content: MailContent, to output: some MessageOutput) throws {
        let buffer = MessageBuffer(output)
        let root = MessagePart(content)
        for field in headerFields(content) { try buffer.append(field.text) }
        try write(root, to: buffer)
        // A single-part message ends where its body does: the last line
        // needs its CRLF (a multipart one ends with its close delimiter's).
        if buffer.lastByte != UInt8(ascii: "\n") { try buffer.append("\r\n") }
        try buffer.flush()
    }

    /// The message's own header fields, in the order of RFC 5322 §3.6's
    /// example messages.
    static func headerFields(_ content: MailContent) -> [HeaderField] {
        var fields = [
            HeaderField("Date", content.date.text),
            HeaderField("From", pieces: addressPieces([content.from], field: "From")),
        ]
        if !content.to.isEmpty { fields.append(HeaderField("To", pieces: addressPieces(content.to, field: "To"))) }
        if !content.cc.isEmpty { fields.append(HeaderField("Cc", pieces: addressPieces(content.cc, field: "Cc"))) }
        fields.append(HeaderField("Subject", text: content.subject))
        fields.append(HeaderField("Message-ID", content.messageID))
        fields.append(HeaderField("MIME-Version", "1.0"))
        return fields
    }

    /// An address list's pieces, a comma after each address but the last.
    private static func addressPieces(_ addresses: [MailAddress], field: String) -> [String] {
        var pieces: [String] = []
        for (index, address) in addresses.enumerated() {
            let room = HeaderField.lineLength - (index == 0 ? field.utf8.count + 2 : 1)
            var addressPieces = address.headerPieces(firstWordLength: room)
            if index < addresses.count - 1 { addressPieces[addressPieces.count - 1] += "," }
            pieces += addressPieces
        }
        return pieces
    }

    /// Writes a part's MIME header fields, the blank line and its body.
    private static func write(_ part: MessagePart, to buffer: MessageBuffer) throws {
        switch part {
        case .text(let body, let subtype):
            var scan = TextScan()
            try body.chunks.forEach { scan.scan($0) }
            scan.finish()
            try buffer.append(HeaderField("Content-Type", "text/\(subtype); charset=utf-8").text)
            let encoding = scan.isSevenBit ? "7bit" : "quoted-printable"
            try buffer.append(HeaderField("Content-Transfer-Encoding", encoding).text + "\r\n")
            if scan.isSevenBit {
                var writer = LineEndingWriter()
                try encodeChunks(body.chunks, to: buffer, bound: LineEndingWriter.maximumOutputCount) {
                    writer.write($0, into: $1)
                }
            } else {
                var encoder = QuotedPrintableEncoder()
                try encodeChunks(
                    body.chunks, to: buffer, bound: QuotedPrintableEncoder.maximumOutputCount
                ) { encoder.encode($0, into: $1) }
                try buffer.write(atMost: 12) { encoder.finish(into: $0) }
            }
        case .file(let file):
            try buffer.append(HeaderField("Content-Type", MediaType.forFile(named: file.path)).text)
            try buffer.append(HeaderField("Content-Transfer-Encoding", "base64").text)
            if let contentID = file.contentID {
                try buffer.append(HeaderField("Content-ID", "<\(contentID)>").text)
            }
            let disposition = file.contentID == nil ? "attachment;" : "inline;"
            let pieces = [disposition] + FileNameParameter.pieces(file.fileName)
            try buffer.append(HeaderField("Content-Disposition", pieces: pieces).text + "\r\n")
            var encoder = Base64Encoder()
            try encodeChunks(
                file.chunks, to: buffer,
                bound: Base64Encoder.maximumOutputCount
            ) { encoder.encode($0, into: $1) }
            try buffer.write(atMost: 6) { encoder.finish(into: $0) }
        case .multipart(let subtype, let boundary, let parameters, let parts):
            let pieces = ["multipart/\(subtype);"] + parameters.map { $0 + ";" } + ["boundary=\"\(boundary)\""]
            try buffer.append(HeaderField("Content-Type", pieces: pieces).text + "\r\n")
            try buffer.append("This is a multipart message in MIME format.\r\n")
            for part in parts {
                try buffer.append("\r\n--\(boundary)\r\n")
                try write(part, to: buffer)
            }
            try buffer.append("\r\n--\(boundary)--\r\n")
        }
    }

    /// Feeds every chunk of a body through `encode` into the buffer, in
    /// slices small enough that their worst-case output fits it.
    private static func encodeChunks(
        _ chunks: BodyChunks, to buffer: MessageBuffer,
        bound: (Int) -> Int, encode: (UnsafeRawBufferPointer, UnsafeMutableRawBufferPointer) -> Int
    ) throws {
        let slice = MessageBuffer.capacity / 4 - 16
        try chunks.forEach { chunk in
            var offset = 0
            while offset < chunk.count {
                let piece = UnsafeRawBufferPointer(rebasing: chunk[offset..<min(chunk.count, offset + slice)])
                try buffer.write(atMost: bound(piece.count)) { encode(piece, $0) }
                offset += piece.count
            }
        }
    }
}
