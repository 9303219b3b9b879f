/// Parses a request head (RFC 9112 sections 2 to 6) from the bytes
/// received so far, strictly: whatever this parser accepts, a proxy reading
/// by the same RFC reads the same way, so a request cannot be smuggled past
/// it, and each limit is enforced as soon as it is passed.
///
/// The caller keeps the request's bytes in one buffer and calls again with
/// the longer buffer as more arrive; the parser keeps the lines it has
/// already read (as offsets into that buffer) and resumes where it stopped
/// looking, so a head that trickles in a byte at a time costs linear time.
public struct RequestParser: Sendable {
    private let limits: RequestLimits

    /// Where the line being read starts.
    private var lineStart = 0
    /// How far the search for the current line's LF has gone.
    private var scanned = 0
    /// The request line, once read.
    private var requestLine: RequestLine?
    /// Where the field block starts: the entries are ranges from there.
    private var blockStart = 0
    private var entries: [(name: Range<Int>, value: Range<Int>)] = []
    private var framing = FramingFields()

    public init(limits: RequestLimits = RequestLimits()) {
        self.limits = limits
    }

    /// `bytes` holds everything received of this request so far, from its
    /// first byte (a caller appends to its buffer and calls again with the
    /// longer buffer). After `.head` or `.refused`, the next call starts a
    /// new request (the caller passes the bytes after `consumed`).
    public mutating func parse(_ bytes: UnsafeRawBufferPointer) -> RequestParse {
        let outcome = readLines(bytes)
        if case .incomplete = outcome { return outcome }
        self = RequestParser(limits: limits)
        return outcome
    }

    private mutating func readLines(_ bytes: UnsafeRawBufferPointer) -> RequestParse {
        while true {
            let lineFeed = LineFeedSearch.firstLineFeed(in: bytes, from: scanned)
            scanned = lineFeed
            guard lineFeed < bytes.count else { return refusalOfPartialLine(bytes).map { .refused($0) } ?? .incomplete }
            let endsInCRLF = lineFeed > lineStart && bytes[lineFeed - 1] == Self.carriageReturn
            let line = UnsafeRawBufferPointer(rebasing: bytes[lineStart..<(endsInCRLF ? lineFeed - 1 : lineFeed)])
            let next = lineFeed + 1
            if requestLine == nil {
                if let refusal = readRequestLine(line, endsInCRLF: endsInCRLF, next: next) { return .refused(refusal) }
            } else if !line.isEmpty {
                if let refusal = readFieldLine(line, endsInCRLF: endsInCRLF) { return .refused(refusal) }
            } else {
                guard endsInCRLF else { return .refused(.badRequest("bare LF")) }
                return finish(bytes, consumed: next)
            }
            lineStart = next
            scanned = next
        }
    }

    /// Reads the line before the request line's end: empty lines before it
    /// are skipped (RFC 9112 section 2.2), within the same bound as the line.
    private mutating func readRequestLine(
        _ line: UnsafeRawBufferPointer, endsInCRLF: Bool, next: Int
    ) -> RequestRefusal? {
        guard line.count <= limits.maxRequestLine else { return RequestRefusal(.uriTooLong, "request line too long") }
        guard endsInCRLF else { return .badRequest("bare LF") }
        if line.isEmpty {
            return next > limits.maxRequestLine ? .badRequest("too many empty lines before the request") : nil
        }
        switch RequestLine.parse(line) {
        case .refused(let refusal):
            return refusal
        case .line(let parsed):
            requestLine = parsed
            blockStart = next
            return nil
        }
    }

    private mutating func readFieldLine(_ line: UnsafeRawBufferPointer, endsInCRLF: Bool) -> RequestRefusal? {
        let offset = lineStart - blockStart
        if let refusal = refusalOfFieldLine(endingAt: offset + line.count) { return refusal }
        guard endsInCRLF else { return .badRequest("bare LF") }
        switch FieldLine.parse(line) {
        case .malformed(let reason):
            return .badRequest(reason)
        case .field(let name, let value):
            if entries.isEmpty { entries.reserveCapacity(16) }
            let valueRange = (value.lowerBound + offset)..<(value.upperBound + offset)
            entries.append((name: (name.lowerBound + offset)..<(name.upperBound + offset), value: valueRange))
            return framing.note(
                name: UnsafeRawBufferPointer(rebasing: line[name]),
                value: UnsafeRawBufferPointer(rebasing: line[value]),
                at: valueRange, version: requestLine!.version)
        }
    }

    /// Whether a field line whose content ends at `end` of the block (its
    /// CRLF not counted) passes a limit. The count comes first: it is known
    /// from the line's first byte, its length only later.
    private func refusalOfFieldLine(endingAt end: Int) -> RequestRefusal? {
        if entries.count >= limits.maxFields {
            return RequestRefusal(.requestHeaderFieldsTooLarge, "too many header fields")
        }
        if end + 2 > limits.maxHeaderBytes {
            return RequestRefusal(.requestHeaderFieldsTooLarge, "header fields too large")
        }
        return nil
    }

    /// A limit that the line still without its LF already passes: the
    /// line's bytes so far, of which a final CR may yet be its end, are the
    /// least it will hold. The same checks as for the whole line, so where
    /// the input is split never changes the outcome.
    private func refusalOfPartialLine(_ bytes: UnsafeRawBufferPointer) -> RequestRefusal? {
        let received = bytes.count - lineStart
        let least = received - (received > 0 && bytes[bytes.count - 1] == Self.carriageReturn ? 1 : 0)
        guard least > 0 else { return nil }
        guard requestLine != nil else {
            return least > limits.maxRequestLine ? RequestRefusal(.uriTooLong, "request line too long") : nil
        }
        return refusalOfFieldLine(endingAt: lineStart - blockStart + least)
    }

    /// The head has ended at `consumed`: the rules that need every field.
    private func finish(_ bytes: UnsafeRawBufferPointer, consumed: Int) -> RequestParse {
        let line = requestLine!
        // RFC 9112 section 3.2: a 1.1 request without Host is refused.
        if line.version >= .http1_1 && framing.host == nil { return .refused(.badRequest("no Host field")) }
        let block = Array(UnsafeRawBufferPointer(rebasing: bytes[blockStart..<lineStart]))
        let body: BodyFraming =
            if framing.isChunked { .chunked } else if let length = framing.contentLength { .length(length) } else {
                .none
            }
        let host = framing.host.map { String(decoding: block[$0], as: UTF8.self) }
        let persists =
            !framing.connectionClose && (line.version.persistsByDefault || framing.connectionKeepAlive)
        let head = RequestHead(
            method: line.method, target: line.target, version: line.version,
            fields: HTTPFields(storage: block, entries: entries), body: body, host: host, persists: persists)
        return .head(head, consumed: consumed)
    }

    private static let carriageReturn: UInt8 = 0x0D
}
