/// One piece of what the peer sent, as the decoder finds it.
enum TelnetToken: Hashable, Sendable {
    case data(UInt8)
    case command(TelnetCommand)
    case negotiation(TelnetCommand, TelnetOption)
    case subnegotiation(TelnetOption, [UInt8])
    case violation(TelnetViolation)
}

/// The reader of the NVT stream (RFC 854): bytes in, one at a time, in any
/// pieces; data, commands, negotiations and subnegotiations out. The state
/// between bytes is all it keeps, so the same bytes give the same tokens
/// however TCP splits them.
///
/// A subnegotiation keeps at most `subnegotiationLimit` bytes of
/// parameters: past that it is reported once and its bytes dropped up to
/// its IAC SE. Dropping ends at any other command too (RFC 855 allows only
/// IAC IAC and IAC SE inside one), and after `discardLimit` bytes without
/// one, so a peer that never sends IAC SE cannot make the rest of the
/// connection disappear; the data after it is read as data again.
struct TelnetDecoder: Sendable {
    static let defaultSubnegotiationLimit = 512
    static let defaultDiscardLimit = 4096

    private enum State: Hashable, Sendable {
        case data
        case command
        case negotiation(TelnetCommand)
        case subnegotiationOption
        case subnegotiation(TelnetOption)
        case subnegotiationCommand(TelnetOption)
        case discarding(TelnetOption)
        case discardingCommand(TelnetOption)
    }

    let subnegotiationLimit: Int
    let discardLimit: Int
    private var state = State.data
    /// The last data byte was a CR: a NUL right after it is padding (RFC
    /// 854, "CR NUL" is a carriage return alone).
    private var afterCarriageReturn = false
    private var parameters: [UInt8] = []
    /// Bytes of the current subnegotiation seen so far, kept or not.
    private var subnegotiationLength = 0

    init(
        subnegotiationLimit: Int = defaultSubnegotiationLimit, discardLimit: Int = defaultDiscardLimit
    ) {
        self.subnegotiationLimit = subnegotiationLimit
        self.discardLimit = max(discardLimit, subnegotiationLimit)
    }

    /// The subnegotiation bytes held while waiting for IAC SE.
    var bufferedCount: Int { parameters.count }

    /// Reads one byte. `binary` is whether the peer sends in BINARY (RFC
    /// 856), when a NUL after a CR is data.
    mutating func consume(_ byte: UInt8, binary: Bool, into tokens: inout [TelnetToken]) {
        switch state {
        case .data:
            if byte == TelnetCommand.interpretAsCommand.rawValue {
                afterCarriageReturn = false
                state = .command
                return
            }
            let padding = byte == 0 && afterCarriageReturn && !binary
            afterCarriageReturn = byte == 0x0D
            if !padding { tokens.append(.data(byte)) }
        case .command:
            command(byte, into: &tokens)
        case .negotiation(let verb):
            tokens.append(.negotiation(verb, TelnetOption(rawValue: byte)))
            state = .data
        case .subnegotiationOption:
            if byte == TelnetCommand.interpretAsCommand.rawValue {
                tokens.append(.violation(.subnegotiationWithoutOption))
                state = .command
                return
            }
            parameters.removeAll(keepingCapacity: true)
            subnegotiationLength = 0
            state = .subnegotiation(TelnetOption(rawValue: byte))
        case .subnegotiation(let option):
            if byte == TelnetCommand.interpretAsCommand.rawValue {
                state = .subnegotiationCommand(option)
                return
            }
            keep(byte, of: option, into: &tokens)
        case .subnegotiationCommand(let option):
            if byte == TelnetCommand.interpretAsCommand.rawValue {
                state = .subnegotiation(option)
                keep(byte, of: option, into: &tokens)
            } else if byte == TelnetCommand.subnegotiationEnd.rawValue {
                tokens.append(.subnegotiation(option, parameters))
                parameters = []
                state = .data
            } else {
                tokens.append(.violation(.subnegotiationUnterminated(option)))
                parameters = []
                command(byte, into: &tokens)
            }
        case .discarding(let option):
            if byte == TelnetCommand.interpretAsCommand.rawValue {
                state = .discardingCommand(option)
            } else {
                discard(of: option, into: &tokens)
            }
        case .discardingCommand(let option):
            if byte == TelnetCommand.interpretAsCommand.rawValue {
                state = .discarding(option)
                discard(of: option, into: &tokens)
            } else if byte == TelnetCommand.subnegotiationEnd.rawValue {
                state = .data
            } else {
                command(byte, into: &tokens)
            }
        }
    }

    /// The byte after an IAC outside a subnegotiation.
    private mutating func command(_ byte: UInt8, into tokens: inout [TelnetToken]) {
        let command = TelnetCommand(rawValue: byte)
        switch command {
        case .interpretAsCommand:
            tokens.append(.data(byte))
            state = .data
        case .subnegotiationBegin:
            state = .subnegotiationOption
        case _ where command.isNegotiation:
            state = .negotiation(command)
        default:
            tokens.append(.command(command))
            state = .data
        }
    }

    private mutating func keep(_ byte: UInt8, of option: TelnetOption, into tokens: inout [TelnetToken]) {
        subnegotiationLength += 1
        guard parameters.count < subnegotiationLimit else {
            tokens.append(.violation(.subnegotiationTooLong(option, limit: subnegotiationLimit)))
            parameters = []
            state = .discarding(option)
            return
        }
        parameters.append(byte)
    }

    private mutating func discard(of option: TelnetOption, into tokens: inout [TelnetToken]) {
        subnegotiationLength += 1
        if subnegotiationLength >= discardLimit {
            tokens.append(.violation(.subnegotiationUnterminated(option)))
            state = .data
        }
    }
}
