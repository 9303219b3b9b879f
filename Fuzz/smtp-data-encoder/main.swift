// Fuzzes MessageDataEncoder, which makes a message into SMTP's data (RFC
// 5321 section 4.5.2), checking properties of every output:
// - it is the same whether the message comes at once, split at a few
//   points, or a byte at a time;
// - it holds no CR that is not followed by LF and no LF that does not
//   follow a CR (no smuggling), ends with CR LF . CR LF, and no line before
//   that end is a lone ".";
// - a server's reading of it (lines split at CR LF, one leading dot
//   removed) gives back the message with every line ending made CR LF.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    withExactCopy(data, size) { input in
        let whole = encode(input, at: [])
        check(encode(input, at: splitPoints(of: input)) == whole, "split at \(splitPoints(of: input))")
        check(encode(input, at: Array(0...input.count)) == whole, "byte by byte")
        for (index, byte) in whole.enumerated() {
            if byte == 0x0D { check(index + 1 < whole.count && whole[index + 1] == 0x0A, "a bare CR at \(index)") }
            if byte == 0x0A { check(index > 0 && whole[index - 1] == 0x0D, "a bare LF at \(index)") }
        }
        check(whole.suffix(3) == [0x2E, 0x0D, 0x0A] && (whole.count == 3 || whole.suffix(5).first == 0x0D), "the end")
        var lines = split(Array(whole.dropLast(3)))
        check(!lines.contains([0x2E]), "a lone dot before the end")
        lines = lines.map { $0.first == 0x2E ? Array($0.dropFirst()) : $0 }
        let readBack = lines.flatMap { (line: [UInt8]) -> [UInt8] in line + [0x0D, 0x0A] }
        check(readBack == normalized(Array(input)), "read back, the message differs")
    }
    return 0
}

private func encode(_ input: UnsafeRawBufferPointer, at splits: [Int]) -> [UInt8] {
    var encoder = MessageDataEncoder()
    var output: [UInt8] = []
    var start = 0
    for end in splits + [input.count] where end >= start {
        Array(input[start..<end]).withUnsafeBytes { encoder.encode($0, into: &output) }
        start = end
    }
    encoder.finish(into: &output)
    return output
}

/// The lines of `data`, each ended by CR LF there.
private func split(_ data: [UInt8]) -> [[UInt8]] {
    var lines: [[UInt8]] = []
    var line: [UInt8] = []
    var index = 0
    while index < data.count {
        if data[index] == 0x0D && index + 1 < data.count && data[index + 1] == 0x0A {
            lines.append(line)
            line = []
            index += 2
        } else {
            line.append(data[index])
            index += 1
        }
    }
    check(line.isEmpty, "data whose last line has no end")
    return lines
}

/// `message` with CR LF, a bare CR and a bare LF each made CR LF, and a
/// last line without an end given one.
private func normalized(_ message: [UInt8]) -> [UInt8] {
    var output: [UInt8] = []
    var index = 0
    while index < message.count {
        let byte = message[index]
        if byte == 0x0D {
            output += [0x0D, 0x0A]
            index += index + 1 < message.count && message[index + 1] == 0x0A ? 2 : 1
        } else if byte == 0x0A {
            output += [0x0D, 0x0A]
            index += 1
        } else {
            output.append(byte)
            index += 1
        }
    }
    if let last = output.last, last != 0x0A { output += [0x0D, 0x0A] }
    return output
}
