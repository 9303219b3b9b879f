/// Parses the header a script writes on its standard output (RFC 3875
/// section 6) from bytes that come in pieces, as the pipe gives them.
///
/// Scripts end their lines with LF or CR LF (section 6.3 allows both: a
/// script is a text program), and the header ends at the first empty line.
/// Each field line is checked as strictly as a request's (`FieldLine`):
/// no obs-fold, no whitespace before the colon, no NUL, CR or other
/// control inside a line. Whatever the server cannot pass on exactly is
/// `malformed`, for a `502`: a script that writes a broken header is
/// broken, and guessing what it meant is how a response gets split.
struct CGIHeaderParser {
    enum Step: Equatable {
        case incomplete
        /// The header, and how many bytes of the last input it took: the
        /// rest of that input is the start of the body.
        case head(CGIResponseHead, consumed: Int)
        /// Why the header is refused, as a phrase for the error log.
        case malformed(String)
    }

    let maxHeaderBytes: Int
    let maxFields: Int
    /// The start of a line that has not ended yet.
    private var pendingLine: [UInt8] = []
    /// The bytes of the lines read so far, their line ends counted.
    private var headerBytes = 0
    private var fieldCount = 0
    private var fields = CGIHeaderFields()
    /// The outcome once the header has ended or been refused.
    private var finished: Step?

    init(maxHeaderBytes: Int = 32 << 10, maxFields: Int = 100) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxFields = maxFields
    }

    /// Reads `bytes`, the next piece of the script's output. Complete lines
    /// are parsed where they lie; only an unfinished one is kept, and never
    /// more than `maxHeaderBytes` in all. Once the header has ended or been
    /// refused, that outcome is returned again (a head then consumes none
    /// of the new bytes).
    mutating func parse(_ bytes: UnsafeRawBufferPointer) -> Step {
        if let finished {
            if case .head(let head, _) = finished { return .head(head, consumed: 0) }
            return finished
        }
        var index = 0
        while index < bytes.count {
            let lineFeed = LineFeedSearch.firstLineFeed(in: bytes, from: index)
            guard lineFeed < bytes.count else {
                guard headerBytes + pendingLine.count + (bytes.count - index) <= maxHeaderBytes else {
                    return finish(.malformed(tooLarge))
                }
                pendingLine.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[index...]))
                return .incomplete
            }
            let lineBytes = pendingLine.count + (lineFeed - index) + 1
            guard headerBytes + lineBytes <= maxHeaderBytes else { return finish(.malformed(tooLarge)) }
            headerBytes += lineBytes
            let piece = UnsafeRawBufferPointer(rebasing: bytes[index..<lineFeed])
            index = lineFeed + 1
            let outcome: LineOutcome
            if pendingLine.isEmpty {
                outcome = readLine(piece)
            } else {
                pendingLine.append(contentsOf: piece)
                let line = pendingLine
                pendingLine.removeAll(keepingCapacity: true)
                outcome = line.withUnsafeBytes { readLine($0) }
            }
            switch outcome {
            case .field: continue
            case .end: return finish(fields.step(consumed: index))
            case .refused(let why): return finish(.malformed(why))
            }
        }
        return .incomplete
    }

    private var tooLarge: String { "the header is larger than \(maxHeaderBytes) bytes" }

    private mutating func finish(_ step: Step) -> Step {
        finished = step
        return step
    }

    private enum LineOutcome {
        case field
        /// The empty line that ends the header.
        case end
        case refused(String)
    }

    /// Reads one line, given without its LF (a CR before it is dropped here).
    private mutating func readLine(_ withoutLineFeed: UnsafeRawBufferPointer) -> LineOutcome {
        var line = withoutLineFeed
        if line.last == 0x0D { line = UnsafeRawBufferPointer(rebasing: line.dropLast()) }
        guard !line.isEmpty else { return .end }
        fieldCount += 1
        guard fieldCount <= maxFields else { return .refused("the header has more than \(maxFields) fields") }
        switch FieldLine.parse(line) {
        case .field(let name, let value):
            let refusal = fields.add(
                name: UnsafeRawBufferPointer(rebasing: line[name]), value: UnsafeRawBufferPointer(rebasing: line[value])
            )
            return refusal.map { .refused($0) } ?? .field
        case .malformed(let why):
            return .refused(why)
        }
    }
}
