// Fuzzes SMTPReplyParser, the reader of a server's replies (RFC 5321
// section 4.2), reading every reply the input holds one after another and
// checking properties of every outcome, not only that nothing crashes:
// - the outcome is the same whether the input comes at once, split at a
//   few points, or a byte at a time (TCP gives it in any pieces);
// - each reply ends at a CR LF, has a code of 200 to 599, at most the
//   bound of lines, each within the line bound and of printable ASCII and
//   tabs, and an enhanced code only where its text begins with one of the
//   code's class;
// - a reply written out again ("code-text" lines, then "code text") reads
//   back as the same reply, and its EHLO extensions can be read.

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
    var replies: [(SMTPReply, Int)] = []
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
    var parser = SMTPReplyParser()
    var outcome = Outcome()
    var start = 0
    for end in splits + [input.count] where end >= start {
        var piece = Array(input[start..<end])
        var offset = start
        while true {
            let step: SMTPReplyParser.Step
            do {
                step = try piece.withUnsafeBytes { raw in
                    Result { () throws(MalformedSMTPReply) in try parser.parse(raw) }
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

private func checkReply(_ reply: SMTPReply) {
    check((200...599).contains(reply.code) && (reply.code / 10) % 10 <= 5, "code \(reply.code)")
    check(!reply.lines.isEmpty && reply.lines.count <= SMTPReplyParser.defaultMaxLines, "\(reply.lines.count) lines")
    for line in reply.lines {
        check(line.utf8.count + 6 <= SMTPReplyParser.defaultMaxLineLength, "a line of \(line.utf8.count) octets")
        check(line.utf8.allSatisfy { (0x20...0x7E).contains($0) || $0 == 0x09 }, "a line with \(line.debugDescription)")
    }
    if let enhanced = reply.enhancedCode {
        check(reply.lines[0].hasPrefix(enhanced), "enhanced code \(enhanced) not at the start")
        check(enhanced.first?.wholeNumberValue == reply.code / 100, "enhanced code \(enhanced) for \(reply.code)")
        check(enhanced.split(separator: ".").count == 3, "enhanced code \(enhanced)")
    }
    var written: [UInt8] = []
    for (index, line) in reply.lines.enumerated() {
        written += Array("\(reply.code)\(index == reply.lines.count - 1 ? " " : "-")\(line)\r\n".utf8)
    }
    var parser = SMTPReplyParser()
    let again = try? written.withUnsafeBytes { raw in
        Result { () throws(MalformedSMTPReply) in try parser.parse(raw) }
    }.get()
    check(
        again == .reply(reply, consumed: written.count),
        "written out, \(reply) reads back as \(String(describing: again))")
    if reply.code == 250 { _ = SMTPExtensions(ehloReply: reply).authMechanisms }
}
