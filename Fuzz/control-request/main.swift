// Fuzzes the control port's line protocol: ControlLineReader cutting a
// client's bytes into lines, ControlRequest reading each line, JSONText
// writing the replies. Properties of every outcome, not only that nothing
// crashes:
// - the events and the bytes left unfinished are the same whether the
//   input comes at once, split at a few points, or a byte at a time, with
//   the port's limit and with a small one that long lines often pass;
// - every byte is accounted for: each line is the input up to its LF, each
//   line too long stands for a stretch longer than the limit up to its LF
//   (or the end), and what is left is the unfinished rest; no line and no
//   rest is longer than the limit;
// - a command read from a line, written again in its plain form, reads
//   back as itself, with and without a token, and the line's words are
//   that plain form; a line that is not text is refused as such, a CR
//   before the LF changes nothing, and a token opens the line or the line
//   is refused;
// - the token comparison agrees with ==;
// - JSONText writes valid JSON (RFC 8259), read back by a reader of its
//   own: strings of any bytes come back as they went in, and seconds with
//   milliseconds are a number of the grammar holding the same value.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    withExactCopy(data, size) { input in
        let smallLimit = 1 + Int(input.first ?? 0) % 48
        var lines: [[UInt8]] = []
        for limit in [portLimit, smallLimit] {
            let whole = read(input, limit: limit, at: [])
            let split = read(input, limit: limit, at: splitPoints(of: input))
            check(split == whole, "split at \(splitPoints(of: input)): \(split) against \(whole)")
            let byteByByte = read(input, limit: limit, at: Array(0...input.count))
            check(byteByByte == whole, "byte by byte: \(byteByByte) against \(whole)")
            checkAccounting(whole, of: input, limit: limit)
            if limit == portLimit { lines = whole.lines }
        }
        for line in lines + [Array(input)] {
            checkRequest(line)
            checkJSON(line)
        }
        let half = input.count / 2
        checkTokenComparison(Array(input[..<half]), Array(input[half...]))
    }
    return 0
}

private let portLimit = 4096
private let token = Array("k3y-0f-the-p0rt".utf8)

struct Outcome: Equatable, CustomStringConvertible {
    var events: [ControlLineReader.Event] = []
    /// The bytes of the unfinished line the reader holds at the end.
    var rest = 0

    var lines: [[UInt8]] {
        events.compactMap { event in
            guard case .line(let line) = event else { return nil }
            return line
        }
    }

    var description: String { "\(events.count) events, \(rest) bytes held" }
}

/// Feeds `input` cut at `splits`, each piece a copy of its own so that a
/// read past a piece's end is caught.
private func read(_ input: UnsafeRawBufferPointer, limit: Int, at splits: [Int]) -> Outcome {
    var reader = ControlLineReader(limit: limit)
    var outcome = Outcome()
    var start = 0
    for end in splits + [input.count] where end > start {
        let base = input.baseAddress!.assumingMemoryBound(to: UInt8.self) + start
        outcome.events += withExactCopy(base, end - start) { reader.take($0) }
        check(reader.bufferedCount <= limit, "\(reader.bufferedCount) bytes held with a limit of \(limit)")
        start = end
    }
    outcome.rest = reader.bufferedCount
    return outcome
}

/// Walks the input along the events: lines, stretches too long, the rest.
private func checkAccounting(_ outcome: Outcome, of input: UnsafeRawBufferPointer, limit: Int) {
    let lf = UInt8(ascii: "\n")
    var position = 0
    for (index, event) in outcome.events.enumerated() {
        let nextLF = input[position...].firstIndex(of: lf)
        switch event {
        case .line(let line):
            check(line.count <= limit, "a line of \(line.count) bytes with a limit of \(limit)")
            check(nextLF == position + line.count, "a line that is not the input up to its LF")
            check(line.elementsEqual(input[position..<position + line.count]), "a line that is not the input")
            position += line.count + 1
        case .tooLong:
            let end = nextLF ?? input.count
            check(end - position > limit, "a line of \(end - position) bytes called too long at \(limit)")
            guard nextLF != nil else {
                check(index == outcome.events.count - 1, "events after an unfinished line too long")
                check(outcome.rest == 0, "\(outcome.rest) bytes held of a line too long")
                return
            }
            position = end + 1
        }
    }
    check(!input[position...].contains(lf), "an LF in the unfinished rest")
    check(input.count - position == outcome.rest, "\(input.count - position) bytes left, \(outcome.rest) held")
}

private func checkRequest(_ line: [UInt8]) {
    let result = ControlRequest.parse(line[...], token: nil)
    if line.last != UInt8(ascii: "\r") {
        check(ControlRequest.parse((line + [0x0D])[...], token: nil) == result, "a CR before the LF matters")
    }
    var body = line[...]
    if body.last == UInt8(ascii: "\r") { body.removeLast() }
    let isBlank = { (byte: UInt8) in byte == 0x20 || byte == 0x09 }
    let isText = body.allSatisfy { isBlank($0) || (0x21...0x7e).contains($0) }
    let words = body.split(whereSeparator: isBlank).map(Array.init)
    switch result {
    case .success(let command):
        check(isText, "a command read from a line that is not text")
        let plain = rendered(command)
        check(words.map { String(decoding: $0, as: UTF8.self) }.joined(separator: " ") == plain, "words of \(plain)")
        check(ControlRequest.parse(Array(plain.utf8)[...], token: nil) == .success(command), "\(plain) again")
        let withToken = token + [0x20] + Array(plain.utf8)
        check(ControlRequest.parse(withToken[...], token: token) == .success(command), "\(plain) with a token")
        check(ControlRequest.parse(Array(plain.utf8)[...], token: token) == .failure(.badToken), "\(plain) no token")
    case .failure(let refusal):
        check(!refusal.message.isEmpty, "a refusal without a message")
        check(isText || refusal == .notText, "a line that is not text refused as \(refusal)")
        if case .unknownCommand(let name) = refusal {
            check(name.utf8.count <= 64, "an unknown name of \(name.utf8.count)")
        }
    }
    guard isText, let first = words.first else { return }
    // The first word taken as the token: the rest of the line is the request.
    let rest = Array(words.dropFirst().joined(separator: [0x20]))
    check(
        ControlRequest.parse(line[...], token: first) == ControlRequest.parse(rest[...], token: nil),
        "a line opened by its token reads unlike the rest of it")
    check(ControlRequest.parse(line[...], token: first + [0x21]) == .failure(.badToken), "a wrong token accepted")
}

/// The plain form of a command, as an operator types it.
private func rendered(_ command: ControlCommand) -> String {
    switch command {
    case .stats: "stats"
    case .connections: "connections"
    case .logLevel(let level): "log-level \(level)"
    case .drain: "drain"
    case .stop: "stop"
    case .help: "help"
    }
}

private func checkTokenComparison(_ given: [UInt8], _ expected: [UInt8]) {
    check(ControlRequest.constantTimeEqual(given, expected) == (given == expected), "tokens compared wrongly")
    check(ControlRequest.constantTimeEqual(given, given), "a token unlike itself")
    check(!ControlRequest.constantTimeEqual(given + [0], given), "a token like itself and a byte more")
    check(!ControlRequest.constantTimeEqual(given, given + [0]), "a token like its own start")
    // Lengths that differ by a multiple of 256 must differ still.
    let padded = given + [UInt8](repeating: 0, count: 256)
    check(!ControlRequest.constantTimeEqual(padded, given), "a token like itself and 256 zeros more")
    check(!ControlRequest.constantTimeEqual(given, padded), "a token like its start padded with 256 zeros")
}

private func checkJSON(_ line: [UInt8]) {
    let text = String(decoding: line, as: UTF8.self)
    check(readJSON(JSONText.quoted(text)) == .string(text), "\(text.debugDescription) does not come back")
    var bits: UInt64 = 0
    for byte in line.prefix(8) { bits = bits << 8 | UInt64(byte) }
    let milliseconds = Int64(bitPattern: bits)
    var inner = JSONText()
    inner.add(text, text)
    var object = JSONText()
    object.add("ok", line.isEmpty)
    object.add("error", text)
    object.add("count", line.count)
    object.add("seconds", milliseconds: milliseconds)
    object.add("list", [inner, JSONText()])
    object.add("empty", [JSONText]())
    guard case .object(let members)? = readJSON(object.object) else {
        check(false, "not a JSON object: \(object.object.debugDescription)")
        return
    }
    check(members.count == 6, "\(members.count) members")
    check(members[0].1 == .bool(line.isEmpty) && members[1].1 == .string(text), "ok and error")
    check(members[2].1 == .number(String(line.count)), "count \(members[2].1)")
    check(members[4].1 == .array([.object([(text, .string(text))]), .object([])]), "list \(members[4].1)")
    check(members[5].1 == .array([]), "empty list \(members[5].1)")
    guard case .number(let seconds) = members[3].1, let dot = seconds.firstIndex(of: ".") else {
        check(false, "seconds \(members[3].1) for \(milliseconds) ms")
        return
    }
    check(seconds[seconds.index(after: dot)...].count == 3, "seconds \(seconds) not to the millisecond")
    check(Int64(seconds.filter { $0 != "." }) == milliseconds, "seconds \(seconds) for \(milliseconds) ms")
}
