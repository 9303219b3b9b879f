/// Everything a message is made of, checked: the addresses and the subject
/// for line breaks (header injection), the files for being readable regular
/// files. Nothing is read from the files yet: `MessageWriter` reads them as
/// it writes, so a large attachment never sits in memory.
///
/// Blind-copy recipients are not part of the content: they go to the SMTP
/// envelope only and never into a header.
public struct MailContent: Sendable {
    public let from: MailAddress
    public let to: [MailAddress]
    public let cc: [MailAddress]
    public let subject: String
    public let date: MailDate
    /// The Message-ID, angle brackets included: `<random@domain>`.
    public let messageID: String
    let text: TextBody
    let html: TextBody?
    let attachments: [FilePart]
    let inline: [FilePart]

    /// Checks and gathers the parts of a message. `messageIDDomain` is the
    /// right side of the Message-ID (default: the sender's domain).
    public init(
        from: MailAddress, to: [MailAddress], cc: [MailAddress] = [], subject: String,
        text: MailBodySource, html: MailBodySource? = nil, attachments: [String] = [], inline: [String] = [],
        date: MailDate = .now(), messageIDDomain: String? = nil
    ) throws(MailFormatError) {
        try HeaderText.check(subject, field: "Subject")
        let domain = messageIDDomain ?? from.domain
        try HeaderText.check(domain, field: "Message-ID")
        guard !domain.isEmpty, domain.utf8.allSatisfy({ AddressCharacters.isAtext($0) || $0 == UInt8(ascii: ".") })
        else {
            throw .invalidAddress(field: "Message-ID", address: domain, reason: "not a domain")
        }
        guard inline.isEmpty || html != nil else { throw .inlineWithoutHTML }
        self.from = from
        self.to = to
        self.cc = cc
        self.subject = subject
        self.date = date
        self.messageID = "<\(RandomToken.hex(bytes: 16))@\(domain)>"
        self.text = try TextBody(text, role: "text body")
        self.html = try html.map { source throws(MailFormatError) in try TextBody(source, role: "HTML body") }
        var attachmentParts: [FilePart] = []
        for path in attachments {
            attachmentParts.append(try FilePart(path: path, role: "attachment", contentID: nil))
        }
        var inlineParts: [FilePart] = []
        var names: Set<String> = []
        for path in inline {
            let name = FileName.lastComponent(of: path)
            guard !name.isEmpty, name.utf8.allSatisfy({ AddressCharacters.isAtext($0) || $0 == UInt8(ascii: ".") })
            else {
                throw .invalidInlineName(
                    path: path, reason: "its name must be letters, digits, dots and atext characters to be a Content-ID"
                )
            }
            guard names.insert(name).inserted else {
                throw .invalidInlineName(path: path, reason: "another inline image has the same name")
            }
            inlineParts.append(try FilePart(path: path, role: "inline image", contentID: name))
        }
        self.attachments = attachmentParts
        self.inline = inlineParts
    }

    /// About the size of the message in bytes, for SMTP's `SIZE=` (RFC
    /// 1870 §3): exact for base64 parts, the text bodies at their size plus
    /// an eighth, and a kilobyte for the headers and each part's.
    public var estimatedSize: Int {
        let files = (attachments + inline).reduce(0) { $0 + Base64Encoder.encodedCount(ofInputCount: $1.size) }
        let texts = [text.size, html?.size ?? 0].reduce(0) { $0 + $1 + $1 / 8 }
        let partCount = 1 + (html == nil ? 0 : 2) + attachments.count + inline.count
        return files + texts + 1024 * (1 + partCount)
    }
}

/// A text or HTML body: its bytes, or its file and the size it had.
struct TextBody: Sendable {
    let chunks: BodyChunks
    let size: Int

    init(_ source: MailBodySource, role: String) throws(MailFormatError) {
        switch source {
        case .file(let path):
            chunks = .file(path, role: role)
            size = try FileChunks.check(path, role: role)
        case .standardInput:
            let bytes = try FileChunks.readStandardInput(role: role)
            chunks = .bytes(bytes)
            size = bytes.count
        case .bytes(let bytes):
            chunks = .bytes(bytes)
            size = bytes.count
        }
    }
}

/// An attachment or an inline image: a file sent in base64.
struct FilePart: Sendable {
    let path: String
    let size: Int
    let role: String
    /// The Content-ID of an inline image (its file name); nil for an
    /// attachment.
    let contentID: String?

    init(path: String, role: String, contentID: String?) throws(MailFormatError) {
        self.path = path
        self.role = role
        self.contentID = contentID
        size = try FileChunks.check(path, role: role)
    }

    var fileName: String { FileName.lastComponent(of: path) }

    var chunks: BodyChunks { .file(path, role: role) }
}

/// Random tokens for Message-IDs and boundaries.
enum RandomToken {
    static func hex(bytes count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef")
        var token = ""
        for _ in 0..<count {
            let byte = UInt8.random(in: 0...255, using: &generator)
            token.append(digits[Int(byte >> 4)])
            token.append(digits[Int(byte & 15)])
        }
        return token
    }
}
