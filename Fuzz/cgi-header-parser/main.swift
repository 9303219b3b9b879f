// Fuzzes CGIHeaderParser, the reader of a script's header (RFC 3875
// section 6), checking properties of every outcome, not only that nothing
// crashes:
// - the outcome is the same whether the output comes at once, split at a
//   few points, or a byte at a time (a pipe gives it in any pieces);
// - a head consumes no more than it was given, ending at an empty line, and
//   is one of the three forms with what that form needs; the lines it passes
//   on are field lines a client accepts, none that the server writes itself;
// - smaller bounds only ever add a refusal for the bounds, never change
//   another outcome.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    withExactCopy(data, size) { input in
        let outcome = parseEveryWay(input, maxHeaderBytes: 32 << 10, maxFields: 100)
        let bounded = parseEveryWay(input, maxHeaderBytes: 64, maxFields: 3)
        if case .malformed(let why) = bounded,
            why.hasPrefix("the header is larger") || why.hasPrefix("the header has more")
        {
            return
        }
        check(bounded == outcome, "smaller bounds changed \(outcome) into \(bounded)")
    }
    return 0
}

private func parseEveryWay(_ input: UnsafeRawBufferPointer, maxHeaderBytes: Int, maxFields: Int)
    -> CGIHeaderParser.Step
{
    let whole = parse(input, at: [], maxHeaderBytes, maxFields)
    let split = parse(input, at: splitPoints(of: input), maxHeaderBytes, maxFields)
    check(split == whole, "split at \(splitPoints(of: input)): \(split) against \(whole)")
    let byteByByte = parse(input, at: Array(0...input.count), maxHeaderBytes, maxFields)
    check(byteByByte == whole, "byte by byte: \(byteByByte) against \(whole)")
    switch whole {
    case .incomplete: break
    case .malformed(let why): check(!why.isEmpty, "a refusal without a reason")
    case .head(let head, let consumed):
        check(consumed > 0 && consumed <= input.count, "consumed \(consumed) of \(input.count)")
        let header = Array(input[..<consumed])
        check(
            header.suffix(2) == [0x0A, 0x0A] || header.suffix(3) == [0x0A, 0x0D, 0x0A] || header == [0x0A]
                || header == [0x0D, 0x0A], "the header does not end at an empty line")
        check(header.count <= maxHeaderBytes, "a header over the bound")
        checkHead(head)
    }
    return whole
}

/// Feeds `input` cut at `splits`, each piece a copy of its own so that a
/// read past a piece's end is caught; a head's consumed count is made an
/// offset of the whole input.
private func parse(_ input: UnsafeRawBufferPointer, at splits: [Int], _ maxHeaderBytes: Int, _ maxFields: Int)
    -> CGIHeaderParser.Step
{
    var parser = CGIHeaderParser(maxHeaderBytes: maxHeaderBytes, maxFields: maxFields)
    var start = 0
    for end in splits + [input.count] where end >= start {
        let piece = Array(input[start..<end])
        let step = piece.withUnsafeBytes { parser.parse($0) }
        switch step {
        case .incomplete: start = end
        case .head(let head, let consumed):
            check(consumed <= piece.count, "consumed \(consumed) of a piece of \(piece.count)")
            return .head(head, consumed: start + consumed)
        case .malformed: return step
        }
    }
    return .incomplete
}

private func checkHead(_ head: CGIResponseHead) {
    check((200...599).contains(head.status.code), "status \(head.status)")
    switch head.kind {
    case .document:
        check(
            head.location == nil && (head.contentType != nil || [204, 304].contains(head.status.code)),
            "a document without Content-Type")
    case .localRedirect(let path):
        check(head.location == path && path.hasPrefix("/") && !path.hasPrefix("//"), "local redirect to \(path)")
        check(head.contentType == nil && head.fieldLines.isEmpty && head.reason == nil, "a local redirect with fields")
    case .clientRedirect:
        check(head.location != nil, "a client redirect without Location")
    }
    var lines = head.fieldLines[...]
    while !lines.isEmpty {
        guard let end = lines.firstIndex(of: 0x0A), end > lines.startIndex, lines[end - 1] == 0x0D else {
            return check(false, "field lines that do not end with CR LF")
        }
        let line = Array(lines[..<(end - 1)])
        lines = lines[(end + 1)...]
        guard case .field(let name, let value) = line.withUnsafeBytes({ FieldLine.parse($0) }) else {
            return check(false, "a field line a client refuses: \(line)")
        }
        check(FieldSyntax.isFieldValue(line[value]), "a value with surrounding whitespace")
        let lowered = String(decoding: line[name].map(FieldSyntax.lowercased), as: UTF8.self)
        check(!serversOwn.contains(lowered), "\(lowered) passed on")
    }
}

private let serversOwn: Set<String> = [
    "status", "content-type", "location", "content-length", "connection", "keep-alive", "transfer-encoding", "te",
    "trailer", "upgrade", "proxy-connection", "date", "server",
]
