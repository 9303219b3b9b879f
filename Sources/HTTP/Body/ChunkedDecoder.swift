/// Decodes the chunked transfer coding (RFC 9112 section 7.1) as bytes
/// arrive, in pieces of any size.
///
/// Strict on every point where two parsers could disagree about where a
/// message ends: chunk sizes are hexadecimal and checked for overflow before
/// any of the chunk is read (nginx's CVE-2013-2028 was a size that wrapped),
/// extensions must be well formed, each chunk's data is followed by exactly
/// CRLF, a bare CR or LF in the framing is refused, and the trailer section
/// follows the same field rules as a header section. Every line and the
/// body as a whole are bounded.
public struct ChunkedDecoder: Sendable {
    private enum State: Sendable, Equatable {
        case sizeLine
        case data(remaining: Int64)
        case dataCR
        case dataLF
        case trailerLine
        case complete
    }

    private let maxBodyBytes: Int64
    private let maxLineBytes: Int
    private let maxTrailerBytes: Int
    private let maxTrailerFields: Int

    private var state = State.sizeLine
    /// The framing line being read (a size line or a trailer line), up to
    /// the LF that ends it.
    private var line: [UInt8] = []
    private var trailerStorage: [UInt8] = []
    private var trailerEntries: [(name: Range<Int>, value: Range<Int>)] = []
    /// The trailer section's size so far, each line counted with its CRLF.
    private var trailerBytes = 0
    /// The error that stopped the decoder: feeding it again throws it again.
    private var failure: FramingError?

    /// Decoded body bytes so far.
    public private(set) var bodyBytes: Int64 = 0

    /// `maxLineBytes` bounds a chunk-size line with its extensions, without
    /// its CRLF; `maxTrailerBytes` bounds the trailer section, each line
    /// counted with its CRLF.
    public init(
        maxBodyBytes: Int64 = .max, maxLineBytes: Int = 4096, maxTrailerBytes: Int = 16384,
        maxTrailerFields: Int = 100
    ) {
        self.maxBodyBytes = maxBodyBytes
        self.maxLineBytes = maxLineBytes
        self.maxTrailerBytes = maxTrailerBytes
        self.maxTrailerFields = maxTrailerFields
    }

    /// Whether the last chunk and the trailer section have been read.
    public var isComplete: Bool { state == .complete }

    /// The trailer fields, once complete.
    public var trailers: HTTPFields { HTTPFields(storage: trailerStorage, entries: trailerEntries) }

    /// Feeds bytes; calls `data` with each piece of decoded body. Returns how
    /// many input bytes were consumed: all of them unless the message ended
    /// inside `input` (the rest is the next message's). Throws a
    /// `FramingError` for malformed framing, or what `data` throws.
    public mutating func feed(
        _ input: UnsafeRawBufferPointer, data: (UnsafeRawBufferPointer) throws -> Void
    ) throws -> Int {
        if let failure { throw failure }
        var index = 0
        while index < input.count {
            switch state {
            case .sizeLine:
                if try readLine(input, &index, limit: maxLineBytes, tooLong: "chunk size line too long") {
                    try endSizeLine()
                }
            case .trailerLine:
                let limit = maxTrailerBytes - trailerBytes - 2
                if try readLine(input, &index, limit: limit, tooLong: "trailer section too large") {
                    try endTrailerLine()
                }
            case .data(let remaining):
                let piece = Int(min(remaining, Int64(input.count - index)))
                let bytes = UnsafeRawBufferPointer(rebasing: input[index..<index + piece])
                index += piece
                bodyBytes += Int64(piece)
                state = remaining == Int64(piece) ? .dataCR : .data(remaining: remaining - Int64(piece))
                try data(bytes)
            case .dataCR:
                guard input[index] == carriageReturn else { try fail("chunk data not followed by CRLF") }
                index += 1
                state = .dataLF
            case .dataLF:
                guard input[index] == lineFeed else { try fail("chunk data not followed by CRLF") }
                index += 1
                state = .sizeLine
            case .complete:
                return index
            }
        }
        return index
    }

    /// Moves the bytes of the current line from `input` into `line`, and
    /// returns whether its LF was reached (then `line` holds the line without
    /// its CRLF). Refuses a line longer than `limit` as soon as that is
    /// certain, and a line that ends in a bare LF or holds a bare CR.
    private mutating func readLine(
        _ input: UnsafeRawBufferPointer, _ index: inout Int, limit: Int, tooLong: String
    ) throws -> Bool {
        let start = index
        while index < input.count && input[index] != lineFeed { index += 1 }
        line.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[start..<index]))
        // A final CR may yet be the line's end rather than its content.
        let contentBytes = line.count - (line.last == carriageReturn ? 1 : 0)
        if contentBytes > limit { try fail(tooLong) }
        guard index < input.count else { return false }
        index += 1
        guard line.last == carriageReturn else { try fail("bare LF in chunked framing") }
        line.removeLast()
        if line.contains(carriageReturn) { try fail("bare CR in chunked framing") }
        return true
    }

    private mutating func endSizeLine() throws {
        var size: Int64 = 0
        var index = 0
        while index < line.count, let digit = Self.hexValue(line[index]) {
            guard size <= (Int64.max - digit) / 16 else { try fail("chunk size overflows") }
            size = size * 16 + digit
            index += 1
        }
        guard index > 0 else { try fail("chunk size is not hexadecimal") }
        guard size <= maxBodyBytes - bodyBytes else { try fail("chunked body over its limit", overLimit: true) }
        guard ChunkExtensions.areValid(line[index...]) else { try fail("malformed chunk extension") }
        line.removeAll(keepingCapacity: true)
        state = size == 0 ? .trailerLine : .data(remaining: size)
    }

    private mutating func endTrailerLine() throws {
        defer { line.removeAll(keepingCapacity: true) }
        trailerBytes += line.count + 2
        guard !line.isEmpty else {
            state = .complete
            return
        }
        guard trailerEntries.count < maxTrailerFields else { try fail("too many trailer fields") }
        let outcome = line.withUnsafeBytes { FieldLine.parse($0) }
        switch outcome {
        case .malformed(let reason):
            try fail("trailer: \(reason)")
        case .field(let name, let value):
            let offset = trailerStorage.count
            trailerStorage.append(contentsOf: line)
            trailerEntries.append((name: name.shifted(by: offset), value: value.shifted(by: offset)))
        }
    }

    private mutating func fail(_ reason: String, overLimit: Bool = false) throws -> Never {
        let error = FramingError(reason, isOverLimit: overLimit)
        failure = error
        throw error
    }

    private static func hexValue(_ byte: UInt8) -> Int64? {
        switch byte {
        case 0x30...0x39: Int64(byte - 0x30)
        case 0x41...0x46: Int64(byte - 0x41 + 10)
        case 0x61...0x66: Int64(byte - 0x61 + 10)
        default: nil
        }
    }
}

private let carriageReturn: UInt8 = 0x0D
private let lineFeed: UInt8 = 0x0A

extension Range<Int> {
    fileprivate func shifted(by offset: Int) -> Range<Int> { (lowerBound + offset)..<(upperBound + offset) }
}
