// Fuzzes FTPReplyParser, the reader of a server's replies (RFC 959 section
// 4.2), reading every reply the input holds one after another, and the
// parsers of what replies and listings hold, checking properties of every
// outcome, not only that nothing crashes:
// - the outcome is the same whether the input comes at once, split at a
//   few points, or a byte at a time (TCP gives it in any pieces);
// - each reply ends at a CR LF, has a code of 100 to 559, at most the bound
//   of lines, each within the line bound and without control characters
//   but tabs;
// - a reply written out again ("code-text" lines, then "code text") reads
//   back as the same reply;
// - what the 227, 229, 257, 213 and FEAT parsers and the MLSD line parser
//   make of each reply is within their rules: a port that is not 0, a
//   path that is not empty and quotes back to itself, a size of digits, a
//   time of 14 digits, an entry with a name.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    withExactCopy(data, size) { input in
        let whole = parse(input, at: [])
        let split = parse(input, at: splitPoints(of: input))
        check(split == whole, "split at \(splitPoints(of: input)): \(split) against \(whole)")
        let byteByByte = parse(input, at: Array(0...input.count))
        check(byteByByte == whole, "byte by byte: \(byteByByte) against \(whole)")
        var start = 0
        for (reply, end) in whole.replies {
            check(end > start && end <= input.count, "a reply ending at \(end) after \(start)")
            check(input[end - 2] == 0x0D && input[end - 1] == 0x0A, "a reply that does not end with CR LF")
            checkReply(reply)
            checkContents(reply)
            start = end
        }
        if case .malformed(let why) = whole.end { check(!why.isEmpty, "a refusal without a reason") }
    }
    return 0
}

struct Outcome: Equatable {
    enum End: Equatable {
        case incomplete
        case malformed(String)
    }

    /// Each reply and the offset in the input just past it.
    var replies: [(FTPReply, Int)] = []
    var end = End.incomplete

    static func == (lhs: Outcome, rhs: Outcome) -> Bool {
        lhs.end == rhs.end && lhs.replies.map(\.0) == rhs.replies.map(\.0)
            && lhs.replies.map(\.1) == rhs.replies.map(\.1)
    }
}

/// Feeds `input` cut at `splits`, each piece a copy of its own so that a
/// read past a piece's end is caught, and the rest of a piece after a reply
/// to the parser again.
private func parse(_ input: UnsafeRawBufferPointer, at splits: [Int]) -> Outcome {
    var parser = FTPReplyParser()
    var outcome = Outcome()
    var start = 0
    for end in splits + [input.count] where end >= start {
        var piece = Array(input[start..<end])
        var offset = start
        while true {
            let step: FTPReplyParser.Step
            do {
                step = try piece.withUnsafeBytes { raw in
                    Result { () throws(MalformedFTPReply) in try parser.parse(raw) }
                }.get()
            } catch {
                outcome.end = .malformed(error.reason)
                return outcome
            }
            guard case .reply(let reply, let consumed) = step else { break }
            check(consumed > 0 && consumed <= piece.count, "consumed \(consumed) of a piece of \(piece.count)")
            offset += consumed
            outcome.replies.append((reply, offset))
            piece = Array(piece[consumed...])
        }
        start = end
    }
    return outcome
}

private func checkReply(_ reply: FTPReply) {
    check((100...559).contains(reply.code) && (reply.code / 10) % 10 <= 5, "code \(reply.code)")
    check(!reply.lines.isEmpty && reply.lines.count <= FTPReplyParser.defaultMaxLines, "\(reply.lines.count) lines")
    for line in reply.lines {
        check(line.utf8.count + 2 <= FTPReplyParser.defaultMaxLineLength, "a line of \(line.utf8.count) octets")
        check(line.utf8.allSatisfy { $0 >= 0x20 && $0 != 0x7F || $0 == 0x09 }, "a line with \(line.debugDescription)")
    }
    // Written out with every line but the last as "code-", it reads back the
    // same (a middle line loses the "code-" again).
    var written: [UInt8] = []
    for (index, line) in reply.lines.enumerated() {
        written += Array("\(reply.code)\(index == reply.lines.count - 1 ? " " : "-")\(line)\r\n".utf8)
    }
    var parser = FTPReplyParser(maxLineLength: FTPReplyParser.defaultMaxLineLength + 4)
    let again = try? written.withUnsafeBytes { raw in
        Result { () throws(MalformedFTPReply) in try parser.parse(raw) }
    }.get()
    check(
        again == .reply(reply, consumed: written.count),
        "written out, \(reply) reads back as \(String(describing: again))")
}

/// Each content parser on the reply as if its code were the one it reads.
private func checkContents(_ reply: FTPReply) {
    func asCode(_ code: Int) -> FTPReply { FTPReply(code: code, lines: reply.lines) }
    if let (host, port) = try? PassiveReply.address(in: asCode(227)) {
        check(host.count == 4 && port != 0, "227: \(host) port \(port)")
    }
    if let port = try? PassiveReply.port(in: asCode(229)) { check(port != 0, "229: port 0") }
    if let path = try? PathReply.path(in: asCode(257)) {
        check(!path.isEmpty, "257: an empty path")
        let quoted = "\"" + path.replacing("\"", with: "\"\"") + "\""
        check((try? PathReply.path(in: FTPReply(code: 257, lines: [quoted]))) == path, "257: \(path) quoted back")
    }
    if let size = try? FileFactsReply.size(in: asCode(213)) { check(size >= 0, "213: size \(size)") }
    if let time = try? FileFactsReply.modificationTime(in: asCode(213)) {
        check(time.utf8.count == 14 && time.utf8.allSatisfy { (0x30...0x39).contains($0) }, "213: time \(time)")
    }
    for (keyword, _) in FeatureReply.features(in: asCode(211)) {
        check(!keyword.isEmpty && keyword == keyword.uppercased() && !keyword.contains(" "), "FEAT: \(keyword)")
    }
    for line in reply.lines {
        if let entry = try? FTPEntry.parse(mlsdLine: line) {
            check(!entry.name.isEmpty, "MLSD: an empty name from \(line.debugDescription)")
            check(entry.size.map { $0 >= 0 } ?? true, "MLSD: size \(String(describing: entry.size))")
            check(
                entry.modified.map { $0.utf8.count == 14 } ?? true, "MLSD: time \(String(describing: entry.modified))")
        }
    }
}
