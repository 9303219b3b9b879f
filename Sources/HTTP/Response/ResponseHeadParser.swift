/// Parses the head of a response, the status line and the header fields
/// (RFC 9112 sections 4 and 5), from bytes that arrive in pieces.
///
/// The caller keeps the bytes of the response from its first one and hands
/// all of them to `parse(_:)` after each read; the parser remembers where
/// it stopped, so each byte is looked at once however the head is split.
/// Only complete lines are checked, each with the server's strictness
/// (`FieldSyntax`): a line ends with CR LF and nothing else, no obs-fold,
/// no whitespace before a colon, no NUL or other control in a name or a
/// value. And it is bounded: no peer can make it hold more than the status
/// line's and the header block's limits.
public struct ResponseHeadParser: Sendable {
    /// The bounds of a head this client accepts.
    public struct Limits: Sendable, Equatable {
        /// The status line, its CR LF not counted.
        public var statusLineBytes: Int
        /// The field lines and the empty line that ends them.
        public var headerBlockBytes: Int
        public var fields: Int

        public init(statusLineBytes: Int = 8 * 1024, headerBlockBytes: Int = 64 * 1024, fields: Int = 100) {
            self.statusLineBytes = statusLineBytes
            self.headerBlockBytes = headerBlockBytes
            self.fields = fields
        }
    }

    public let limits: Limits
    /// Offsets below this have been searched for a line end.
    private var scanned = 0
    /// Where the line being read begins.
    private var lineStart = 0
    /// The status line, once it has been read.
    private var statusLine: (version: HTTPVersion, status: HTTPStatus)?
    /// Where the status line ended and the field block begins.
    private var statusLineEnd = 0
    /// Each field's name and value, as offsets of the input.
    private var entries: [(name: Range<Int>, value: Range<Int>)] = []

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// The head, and how many bytes of `input` it took, once all of it has
    /// come; nil while more is needed. `input` starts at the response's
    /// first byte and holds at least what the previous call was given.
    public mutating func parse(_ input: UnsafeRawBufferPointer) throws(ResponseParseError)
        -> (head: ResponseHead, consumed: Int)?
    {
        while let newline = nextLineFeed(input) {
            scanned = newline + 1
            guard newline > lineStart, input[newline - 1] == 0x0D else { throw .malformedLineEnd }
            let line = lineStart..<(newline - 1)
            lineStart = newline + 1
            if let statusLine {
                guard newline + 1 - statusLineEnd <= limits.headerBlockBytes else {
                    throw .headerBlockTooLarge(limit: limits.headerBlockBytes)
                }
                guard !line.isEmpty else {
                    let head = ResponseHead(
                        version: statusLine.version, status: statusLine.status, fields: fields(in: input))
                    return (head, newline + 1)
                }
                try parseField(line, of: input)
            } else {
                guard line.count <= limits.statusLineBytes else {
                    throw .statusLineTooLong(limit: limits.statusLineBytes)
                }
                statusLine = try Self.parseStatusLine(UnsafeRawBufferPointer(rebasing: input[line]))
                statusLineEnd = newline + 1
            }
        }
        scanned = input.count
        try checkPartialLine(input.count)
        return nil
    }

    /// The first LF at or after `scanned`, bounded by what the limits allow.
    private func nextLineFeed(_ input: UnsafeRawBufferPointer) -> Int? {
        guard scanned < input.count else { return nil }
        let rest = UnsafeRawBufferPointer(rebasing: input[scanned...])
        return rest.firstIndex(of: 0x0A).map { scanned + $0 }
    }

    /// Throws when the unfinished line already breaks a limit, so that a
    /// peer that never sends a line end is refused at the limit.
    private func checkPartialLine(_ count: Int) throws(ResponseParseError) {
        if statusLine != nil {
            if count - statusLineEnd > limits.headerBlockBytes {
                throw .headerBlockTooLarge(limit: limits.headerBlockBytes)
            }
        } else if count - lineStart > limits.statusLineBytes + 1 {
            // One byte more: the CR of a line of exactly the limit.
            throw .statusLineTooLong(limit: limits.statusLineBytes)
        }
    }

    /// One field line, checked by `FieldLine`, the request parser's own
    /// rules (RFC 9112 section 5): obs-fold, whitespace before the colon, a
    /// name that is not a token, a bare CR, NUL or other control are refused.
    private mutating func parseField(_ line: Range<Int>, of input: UnsafeRawBufferPointer)
        throws(ResponseParseError)
    {
        guard entries.count < limits.fields else { throw .tooManyFields(limit: limits.fields) }
        switch FieldLine.parse(UnsafeRawBufferPointer(rebasing: input[line])) {
        case .field(let name, let value):
            let base = line.lowerBound
            entries.append(
                (base + name.lowerBound..<base + name.upperBound, base + value.lowerBound..<base + value.upperBound))
        case .malformed(let why):
            throw .malformedField(why)
        }
    }

    /// The fields, their bytes copied out of the input in one array.
    private func fields(in input: UnsafeRawBufferPointer) -> HTTPFields {
        guard let first = entries.first, let last = entries.last else { return HTTPFields() }
        let base = first.name.lowerBound
        let storage = Array(input[base..<last.value.upperBound])
        let shifted = entries.map { entry in
            (
                entry.name.lowerBound - base..<entry.name.upperBound - base,
                entry.value.lowerBound - base..<entry.value.upperBound - base
            )
        }
        return HTTPFields(storage: storage, entries: shifted)
    }
}

extension ResponseHeadParser {
    /// `HTTP-version SP status-code SP [ reason-phrase ]` (RFC 9112 section
    /// 4). A status line that ends after the code, without the second
    /// space, is taken too: it is what `reason-phrase` empty looks like to
    /// many servers, and it frames nothing.
    static func parseStatusLine(_ line: UnsafeRawBufferPointer) throws(ResponseParseError)
        -> (version: HTTPVersion, status: HTTPStatus)
    {
        let prefix: [UInt8] = Array("HTTP/".utf8)
        guard line.count >= 12, line.prefix(5).elementsEqual(prefix) else {
            throw .malformedStatusLine("it does not start with HTTP/x.y and a status code")
        }
        let major = line[5] &- 0x30
        let minor = line[7] &- 0x30
        guard major < 10, line[6] == 0x2E, minor < 10, line[8] == 0x20 else {
            throw .malformedStatusLine("the version is not HTTP/DIGIT.DIGIT followed by a space")
        }
        guard major == 1 else { throw .malformedStatusLine("HTTP/\(major).\(minor) is not HTTP/1.x") }
        let digits = line[9..<12].map { $0 &- 0x30 }
        guard digits.allSatisfy({ $0 < 10 }), (1...5).contains(digits[0]) else {
            throw .malformedStatusLine("the status code is not three digits from 100 to 599")
        }
        let code = Int(digits[0]) * 100 + Int(digits[1]) * 10 + Int(digits[2])
        var reason = ""
        if line.count > 12 {
            guard line[12] == 0x20 else { throw .malformedStatusLine("no space after the status code") }
            let phrase = UnsafeRawBufferPointer(rebasing: line[13...])
            // reason-phrase is HTAB, SP, VCHAR and obs-text: a field value's bytes.
            guard phrase.allSatisfy(FieldSyntax.isFieldValueCharacter) else {
                throw phrase.contains(0x0D) ? .malformedLineEnd : .malformedStatusLine("a control character")
            }
            reason = String(decoding: phrase, as: UTF8.self)
        }
        return (HTTPVersion(major: major, minor: minor), HTTPStatus(code, reason))
    }
}
