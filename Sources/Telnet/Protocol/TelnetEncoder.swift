/// The writer of the NVT stream (RFC 854): data with its 255s doubled and,
/// unless in BINARY (RFC 856), its line ends as the NVT has them; commands,
/// negotiations and subnegotiations.
enum TelnetEncoder {
    private static let iac = TelnetCommand.interpretAsCommand.rawValue
    private static let carriageReturn: UInt8 = 0x0D
    private static let lineFeed: UInt8 = 0x0A

    /// Appends `bytes` as data. Outside BINARY a LF goes as CR LF (unless a
    /// CR is already before it) and a CR not followed by LF as CR NUL, so
    /// the receiver can tell a carriage return alone from a new line (RFC
    /// 854, "The NVT Printer and Keyboard").
    static func appendData(_ bytes: some Collection<UInt8>, binary: Bool, to output: inout [UInt8]) {
        output.reserveCapacity(output.count + bytes.count + bytes.count / 8)
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let byte = bytes[index]
            let next = bytes.index(after: index)
            if byte == iac {
                output += [iac, iac]
            } else if binary {
                output.append(byte)
            } else if byte == carriageReturn {
                if next != bytes.endIndex, bytes[next] == lineFeed {
                    output += [carriageReturn, lineFeed]
                    index = bytes.index(after: next)
                    continue
                }
                output += [carriageReturn, 0]
            } else if byte == lineFeed {
                output += [carriageReturn, lineFeed]
            } else {
                output.append(byte)
            }
            index = next
        }
    }

    static func command(_ command: TelnetCommand) -> [UInt8] {
        [iac, command.rawValue]
    }

    static func negotiation(_ verb: TelnetCommand, _ option: TelnetOption) -> [UInt8] {
        [iac, verb.rawValue, option.rawValue]
    }

    /// IAC SB option parameters IAC SE, a 255 among the parameters doubled
    /// (RFC 855; RFC 1073 says so of NAWS's sizes in particular).
    static func subnegotiation(_ option: TelnetOption, _ parameters: [UInt8]) -> [UInt8] {
        var output: [UInt8] = [iac, TelnetCommand.subnegotiationBegin.rawValue, option.rawValue]
        for byte in parameters {
            output.append(byte)
            if byte == iac { output.append(iac) }
        }
        output += [iac, TelnetCommand.subnegotiationEnd.rawValue]
        return output
    }
}
