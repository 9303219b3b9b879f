/// What one piece of the peer's bytes gave: the events in order, and the
/// bytes to send back (the answers to its negotiations and
/// subnegotiations), which the caller writes before anything else.
public struct TelnetInput: Hashable, Sendable {
    public var events: [TelnetEvent] = []
    public var reply: [UInt8] = []

    public init() {}

    /// The data bytes among the events.
    public var data: [UInt8] {
        events.reduce(into: []) { bytes, event in
            if case .data(let piece) = event { bytes += piece }
        }
    }
}

/// The protocol of one Telnet connection, with no I/O: the NVT decoder and
/// encoder, the negotiation of every option by the Q method of RFC 1143,
/// and the answers to TERMINAL-TYPE (RFC 1091) and NAWS (RFC 1073).
///
/// Bytes from the peer go to `receive`, which returns the events and the
/// reply; data to send goes through `encode`. The BINARY option changes
/// both as soon as it is negotiated, in the middle of a piece if need be.
public struct TelnetSession: Sendable {
    /// The options this end agrees to. Changing it lets the peer's next
    /// request for a refused option be answered again.
    public var policy: TelnetOptionPolicy {
        didSet {
            for index in 0..<256 {
                local[index].forgetRefusal()
                remote[index].forgetRefusal()
            }
        }
    }
    /// The name sent for TERMINAL-TYPE (e.g. `TERM`'s); nil refuses the
    /// option. RFC 1091 names are at most 40 characters of printable
    /// ASCII: a longer name is cut there, one with other bytes not sent.
    public let terminalType: String?
    /// The size sent for NAWS; nil refuses the option.
    public private(set) var windowSize: TelnetWindowSize?
    private var decoder: TelnetDecoder
    private var local = [OptionNegotiation](repeating: OptionNegotiation(), count: 256)
    private var remote = [OptionNegotiation](repeating: OptionNegotiation(), count: 256)
    private var tokens: [TelnetToken] = []

    public init(
        policy: TelnetOptionPolicy = .client, terminalType: String? = nil, windowSize: TelnetWindowSize? = nil,
        subnegotiationLimit: Int = 512
    ) {
        self.policy = policy
        self.terminalType = terminalType.flatMap(Self.validTerminalType)
        self.windowSize = windowSize
        decoder = TelnetDecoder(subnegotiationLimit: subnegotiationLimit, discardLimit: subnegotiationLimit * 8)
    }

    private static func validTerminalType(_ name: String) -> String? {
        let bytes = Array(name.utf8.prefix(40))
        guard !bytes.isEmpty, bytes.allSatisfy({ (0x21...0x7E).contains($0) }) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The state of `option` on `side` (RFC 1143 section 7).
    public func state(of option: TelnetOption, on side: TelnetSide) -> TelnetOptionState {
        negotiation(option, side).state
    }

    public func isEnabled(_ option: TelnetOption, on side: TelnetSide) -> Bool {
        negotiation(option, side).isEnabled
    }

    /// Every option not in the NO state, local ones first.
    public var negotiatedOptions: [(option: TelnetOption, side: TelnetSide, state: TelnetOptionState)] {
        var result: [(option: TelnetOption, side: TelnetSide, state: TelnetOptionState)] = []
        for side in [TelnetSide.local, .remote] {
            for code in 0...255 {
                let option = TelnetOption(rawValue: UInt8(code))
                let state = state(of: option, on: side)
                if state != .no { result.append((option, side, state)) }
            }
        }
        return result
    }

    /// Subnegotiation bytes held while waiting for an IAC SE: never more
    /// than the limit.
    public var bufferedCount: Int { decoder.bufferedCount }

    /// Reads a piece of what the peer sent.
    public mutating func receive(_ bytes: some Sequence<UInt8>) -> TelnetInput {
        var input = TelnetInput()
        var data: [UInt8] = []
        for byte in bytes {
            decoder.consume(byte, binary: isEnabled(.binary, on: .remote), into: &tokens)
            for token in tokens {
                if case .data(let byte) = token {
                    data.append(byte)
                    continue
                }
                if !data.isEmpty {
                    input.events.append(.data(data))
                    data.removeAll(keepingCapacity: true)
                }
                handle(token, into: &input)
            }
            tokens.removeAll(keepingCapacity: true)
        }
        if !data.isEmpty { input.events.append(.data(data)) }
        return input
    }

    /// `bytes` as data on the wire: 255 doubled, and line ends as the NVT
    /// has them unless this end sends in BINARY.
    public func encode(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        TelnetEncoder.appendData(bytes, binary: isEnabled(.binary, on: .local), to: &output)
        return output
    }

    /// A command on its own (AYT, BRK, IP, NOP, ...).
    public func encode(_ command: TelnetCommand) -> [UInt8] {
        TelnetEncoder.command(command)
    }

    /// Asks for `option` to be enabled or disabled on `side` (RFC 1143's
    /// "we decide to ask"); returns what to send, nothing when the request
    /// is already made or queued.
    public mutating func request(_ option: TelnetOption, on side: TelnetSide, enabled: Bool) -> [UInt8] {
        var entry = negotiation(option, side)
        let answer = enabled ? entry.requestEnable() : entry.requestDisable()
        setNegotiation(entry, option, side)
        return answer.map { TelnetEncoder.negotiation(verb($0, side), option) } ?? []
    }

    /// Records a new window size and returns the NAWS subnegotiation to
    /// send when the option is on (RFC 1073: sent again on every change).
    public mutating func setWindowSize(_ size: TelnetWindowSize) -> [UInt8] {
        let changed = size != windowSize
        windowSize = size
        guard changed, isEnabled(.windowSize, on: .local) else { return [] }
        return windowSizeSubnegotiation(size)
    }

    private func windowSizeSubnegotiation(_ size: TelnetWindowSize) -> [UInt8] {
        let parameters = [
            UInt8(size.columns >> 8), UInt8(size.columns & 0xFF), UInt8(size.rows >> 8), UInt8(size.rows & 0xFF),
        ]
        return TelnetEncoder.subnegotiation(.windowSize, parameters)
    }

    private mutating func handle(_ token: TelnetToken, into input: inout TelnetInput) {
        switch token {
        case .data:
            break
        case .command(let command):
            input.events.append(.command(command))
        case .negotiation(let verb, let option):
            negotiate(verb, option, into: &input)
        case .subnegotiation(let option, let parameters):
            input.events.append(.subnegotiation(option, parameters))
            answerSubnegotiation(option, parameters, into: &input)
        case .violation(let violation):
            input.events.append(.violation(violation))
        }
    }

    private mutating func negotiate(_ verb: TelnetCommand, _ option: TelnetOption, into input: inout TelnetInput) {
        let side: TelnetSide = verb == .will || verb == .wont ? .remote : .local
        var entry = negotiation(option, side)
        let wasEnabled = entry.isEnabled
        var answer: OptionNegotiation.Answer?
        if verb == .will || verb == .do {
            let outcome = entry.receivedPositive(accept: accepts(option, on: side))
            answer = outcome.answer
            if outcome.violation { input.events.append(.violation(.refusalAnsweredByYes(option, side))) }
        } else {
            answer = entry.receivedNegative()
        }
        setNegotiation(entry, option, side)
        if let answer { input.reply += TelnetEncoder.negotiation(self.verb(answer, side), option) }
        guard entry.isEnabled != wasEnabled else { return }
        input.events.append(.optionChanged(option, side, enabled: entry.isEnabled))
        if entry.isEnabled, side == .local, option == .windowSize, let windowSize {
            input.reply += windowSizeSubnegotiation(windowSize)
        }
    }

    /// RFC 1091: SB TERMINAL-TYPE SEND is answered with IS and the name.
    private func answerSubnegotiation(_ option: TelnetOption, _ parameters: [UInt8], into input: inout TelnetInput) {
        let send: UInt8 = 1
        let isCode: UInt8 = 0
        guard option == .terminalType, parameters == [send], isEnabled(.terminalType, on: .local),
            let terminalType
        else { return }
        input.reply += TelnetEncoder.subnegotiation(.terminalType, [isCode] + Array(terminalType.utf8))
    }

    private func accepts(_ option: TelnetOption, on side: TelnetSide) -> Bool {
        guard policy.accepts(option, on: side) else { return false }
        if side == .local, option == .terminalType { return terminalType != nil }
        if side == .local, option == .windowSize { return windowSize != nil }
        return true
    }

    private func verb(_ answer: OptionNegotiation.Answer, _ side: TelnetSide) -> TelnetCommand {
        switch (answer, side) {
        case (.positive, .local): .will
        case (.negative, .local): .wont
        case (.positive, .remote): .do
        case (.negative, .remote): .dont
        }
    }

    private func negotiation(_ option: TelnetOption, _ side: TelnetSide) -> OptionNegotiation {
        side == .local ? local[Int(option.rawValue)] : remote[Int(option.rawValue)]
    }

    private mutating func setNegotiation(_ entry: OptionNegotiation, _ option: TelnetOption, _ side: TelnetSide) {
        if side == .local {
            local[Int(option.rawValue)] = entry
        } else {
            remote[Int(option.rawValue)] = entry
        }
    }
}
