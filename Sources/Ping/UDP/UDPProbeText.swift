/// The text of the lab's probe, `Ping SEQ TIME`: the word, the sequence
/// number (from 1), and the wall-clock send time in seconds with six
/// decimals, all ASCII, so that the lab's server, an upper-casing one or a
/// plain echo server can answer it. With a size, the text is padded to
/// that many bytes with a space and then printable ASCII, so that a
/// reply's every byte can be checked against what was sent; a size
/// smaller than the text sends the text alone.
public enum UDPProbeText {
    /// The first word of every probe.
    static let word: [UInt8] = Array("Ping".utf8)

    /// What fills a padded probe after the space, repeated: letters and
    /// digits, so that an upper-casing server changes some of them and a
    /// reply is still recognised (the match ignores ASCII case).
    static let filler: [UInt8] = Array("abcdefghijklmnopqrstuvwxyz0123456789".utf8)

    /// The probe numbered `sequence`, sent at `wallMicroseconds` (µs since
    /// the epoch), padded to `size` bytes when that is longer than its text.
    public static func bytes(sequence: UInt64, wallMicroseconds: Int64, size: Int) -> [UInt8] {
        let seconds = wallMicroseconds / 1_000_000
        let micros = Int(wallMicroseconds % 1_000_000)
        var bytes = word
        bytes += Array(" \(sequence) \(seconds).\(NumberText.padded(micros, 6))".utf8)
        guard size > bytes.count else { return bytes }
        bytes.append(UInt8(ascii: " "))
        var index = 0
        while bytes.count < size {
            bytes.append(filler[index % filler.count])
            index += 1
        }
        return bytes
    }

    /// The sequence number a reply names: its first word is `Ping` in any
    /// case and its second a decimal number that fits 64 bits. Nil for
    /// anything else (not an answer to a probe of ours).
    public static func sequence(in reply: UnsafeRawBufferPointer) -> UInt64? {
        var index = 0
        for letter in word {
            guard index < reply.count, asciiLowercased(reply[index]) == asciiLowercased(letter) else { return nil }
            index += 1
        }
        guard index < reply.count, reply[index] == UInt8(ascii: " ") else { return nil }
        index += 1
        var value: UInt64 = 0
        var digits = 0
        while index < reply.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(reply[index]) {
            let (times10, overflowTimes) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowSum) = times10.addingReportingOverflow(UInt64(reply[index] - UInt8(ascii: "0")))
            guard !overflowTimes, !overflowSum else { return nil }
            value = sum
            digits += 1
            index += 1
        }
        guard digits > 0, index == reply.count || reply[index] == UInt8(ascii: " ") else { return nil }
        return value
    }

    /// Whether `reply` is `probe` with ASCII letters in any case: what the
    /// lab's upper-casing server and a plain echo server both send back.
    public static func matches(_ reply: UnsafeRawBufferPointer, _ probe: [UInt8]) -> Bool {
        guard reply.count == probe.count else { return false }
        for index in 0..<probe.count where asciiLowercased(reply[index]) != asciiLowercased(probe[index]) {
            return false
        }
        return true
    }

    /// The first line of `reply` as text to show: up to the first CR or LF,
    /// with every byte that is not printable ASCII written as `?`, so that
    /// a reply cannot write control sequences to the terminal.
    public static func firstLine(of reply: UnsafeRawBufferPointer) -> String {
        var scalars = String.UnicodeScalarView()
        for byte in reply {
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") { break }
            scalars.append(Unicode.Scalar((0x20...0x7E).contains(byte) ? byte : UInt8(ascii: "?")))
        }
        return String(scalars)
    }

    private static func asciiLowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
    }
}
