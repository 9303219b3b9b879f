import CSystemShims

/// Numbers written the way iputils ping writes them.
enum NumberText {
    /// The ` time=` value of a reply line, from µs, with iputils' rounding
    /// (`gather_statistics`): three decimals below 1 ms (truncated), two
    /// below 10 ms, one below 100 ms, none above, the last three rounded
    /// half up.
    static func replyTime(_ microseconds: Int) -> String {
        let t = microseconds
        if t >= 100_000 - 50 {
            return "\((t + 500) / 1000)"
        } else if t >= 10_000 - 5 {
            return "\((t + 50) / 1000).\(((t + 50) % 1000) / 100)"
        } else if t >= 1000 {
            return "\((t + 5) / 1000).\(padded(((t + 5) % 1000) / 10, 2))"
        }
        return "\(t / 1000).\(padded(t % 1000, 3))"
    }

    /// µs as milliseconds with three decimals, truncated (`%ld.%03ld`).
    static func milliseconds(_ microseconds: Int) -> String {
        "\(microseconds / 1000).\(padded(microseconds % 1000, 3))"
    }

    /// µs as milliseconds with three decimals, exact, with a sign when
    /// negative (`-0.041`, where `milliseconds` would print `0.-41`).
    static func signedMilliseconds(_ microseconds: Int) -> String {
        let magnitude = microseconds.magnitude
        return (microseconds < 0 ? "-" : "") + "\(magnitude / 1000).\(padded(Int(magnitude % 1000), 3))"
    }

    /// A percentage as iputils prints the loss: `%g` of a `float`
    /// (`0`, `25`, `33.3333`).
    static func loss(_ percent: Double) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        _ = shim_format_float_g(&buffer, UInt(buffer.count), Float(percent))
        return String(nulTerminated: buffer)
    }

    static func padded(_ value: Int, _ width: Int, hex: Bool = false) -> String {
        let text = String(value, radix: hex ? 16 : 10)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
