// Fuzzes TelnetSession, the reader of a peer's NVT stream (RFC 854, 855)
// and the negotiation of its options (RFC 1143), checking properties of
// every outcome, not only that nothing crashes:
// - the events (adjacent data joined) and the reply are the same whether
//   the input comes at once, split at a few points, or a byte at a time;
// - an option this end never accepts is refused at most once on each side
//   however often the peer asks (no negotiation loop), and the reply holds
//   nothing but negotiations and the two subnegotiations this end answers;
// - no subnegotiation held or reported exceeds the bound;
// - the input taken as data, encoded and decoded again, comes back: as it
//   is in BINARY, with every bare LF made CR LF otherwise.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    withExactCopy(data, size) { input in
        let whole = decode(input, at: [])
        let split = decode(input, at: splitPoints(of: input))
        check(split == whole, "split at \(splitPoints(of: input)): \(split) against \(whole)")
        let byteByByte = decode(input, at: Array(0...input.count))
        check(byteByByte == whole, "byte by byte: \(byteByByte) against \(whole)")
        checkReply(whole.reply)
        for event in whole.events {
            if case .subnegotiation(_, let parameters) = event {
                check(parameters.count <= limit, "a subnegotiation of \(parameters.count) bytes")
            }
        }
        checkRoundTrip(Array(input))
    }
    return 0
}

private let limit = 512

struct Outcome: Equatable {
    var events: [TelnetEvent] = []
    var reply: [UInt8] = []
}

private func newSession() -> TelnetSession {
    TelnetSession(
        terminalType: "XTERM", windowSize: TelnetWindowSize(columns: 80, rows: 24), subnegotiationLimit: limit)
}

private func decode(_ input: UnsafeRawBufferPointer, at splits: [Int]) -> Outcome {
    var session = newSession()
    var outcome = Outcome()
    var start = 0
    for end in splits + [input.count] where end >= start {
        let piece = Array(input[start..<end])
        let received = session.receive(piece)
        check(session.bufferedCount <= limit, "\(session.bufferedCount) subnegotiation bytes held")
        for event in received.events {
            if case .data(let bytes) = event, case .data(let before) = outcome.events.last {
                outcome.events[outcome.events.count - 1] = .data(before + bytes)
            } else {
                outcome.events.append(event)
            }
        }
        outcome.reply += received.reply
        start = end
    }
    return outcome
}

/// Reads the reply back with a decoder of its own and counts the refusals
/// of options outside the policy.
private func checkReply(_ reply: [UInt8]) {
    var decoder = TelnetDecoder()
    var tokens: [TelnetToken] = []
    for byte in reply { decoder.consume(byte, binary: true, into: &tokens) }
    var refusals: [TelnetToken: Int] = [:]
    let policy = TelnetOptionPolicy.client
    for token in tokens {
        switch token {
        case .negotiation(let verb, let option):
            let side: TelnetSide = verb == .do || verb == .dont ? .remote : .local
            if !policy.accepts(option, on: side) {
                check(verb == .dont || verb == .wont, "\(verb) \(option) accepted outside the policy")
                refusals[token, default: 0] += 1
                check(refusals[token]! <= 1, "\(verb) \(option) sent twice")
            }
        case .subnegotiation(let option, _):
            check(option == .terminalType || option == .windowSize, "a subnegotiation of \(option) sent")
        default:
            check(false, "\(token) in the reply")
        }
    }
}

private func checkRoundTrip(_ bytes: [UInt8]) {
    var encoded: [UInt8] = []
    TelnetEncoder.appendData(bytes, binary: true, to: &encoded)
    check(decodeData(encoded, binary: true) == bytes, "binary data does not come back")
    encoded = []
    TelnetEncoder.appendData(bytes, binary: false, to: &encoded)
    var expected: [UInt8] = []
    for (index, byte) in bytes.enumerated() {
        if byte == 0x0A, index == 0 || bytes[index - 1] != 0x0D { expected.append(0x0D) }
        expected.append(byte)
    }
    check(decodeData(encoded, binary: false) == expected, "NVT data does not come back")
}

private func decodeData(_ bytes: [UInt8], binary: Bool) -> [UInt8] {
    var decoder = TelnetDecoder()
    var tokens: [TelnetToken] = []
    for byte in bytes { decoder.consume(byte, binary: binary, into: &tokens) }
    var data: [UInt8] = []
    for token in tokens {
        guard case .data(let byte) = token else {
            check(false, "\(token) decoded from data")
            continue
        }
        data.append(byte)
    }
    return data
}
