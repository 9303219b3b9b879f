/// Turns a message into what goes between DATA's 354 and the final "."
/// (RFC 5321 section 4.5.2), from pieces of any size, keeping only two bits
/// of state between them.
///
/// Every line ending the input has, CR LF, a bare LF or a bare CR, goes out
/// as CR LF: a bare LF or CR reaching the server is how a message smuggles
/// a second one past a server that ends the data at "LF.LF" where the next
/// one waits for "CR LF . CR LF" (CVE-2023-51764 and its kin). A "." that
/// begins a line is doubled, so that no line of the message ends the data.
///
/// This file imports nothing, so a fuzzer can compile it alone.
struct MessageDataEncoder {
    /// Whether the next byte begins a line.
    private var atLineStart = true
    /// Whether the last byte was a CR whose line ending is not written yet
    /// (the LF that may follow comes with the next piece).
    private var pendingCR = false

    /// Appends the encoding of `input` to `output`.
    mutating func encode(_ input: UnsafeRawBufferPointer, into output: inout [UInt8]) {
        var index = 0
        while index < input.count {
            let byte = input[index]
            if pendingCR {
                pendingCR = false
                output.append(contentsOf: Self.crlf)
                atLineStart = true
                if byte == Self.lf {
                    index += 1
                    continue
                }
            }
            if byte == Self.cr {
                pendingCR = true
                index += 1
                continue
            }
            if byte == Self.lf {
                output.append(contentsOf: Self.crlf)
                atLineStart = true
                index += 1
                continue
            }
            if atLineStart && byte == Self.dot { output.append(Self.dot) }
            atLineStart = false
            var end = index + 1
            while end < input.count && input[end] != Self.cr && input[end] != Self.lf { end += 1 }
            output.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[index..<end]))
            index = end
        }
    }

    /// Appends the end of the data: a CR LF ending the last line if it had
    /// none, then ".\r\n".
    mutating func finish(into output: inout [UInt8]) {
        if pendingCR || !atLineStart { output.append(contentsOf: Self.crlf) }
        pendingCR = false
        atLineStart = true
        output.append(contentsOf: [Self.dot, Self.cr, Self.lf])
    }

    private static let cr: UInt8 = 0x0D
    private static let lf: UInt8 = 0x0A
    private static let dot: UInt8 = 0x2E
    private static let crlf: [UInt8] = [cr, lf]
}
