import ArgumentParser

/// A byte count given as `1500`, `64K` or `16M` (powers of 1024).
struct ByteSize: ExpressibleByArgument, Equatable {
    let bytes: Int

    /// What `init(argument:)` accepts, for an error message.
    static let accepted = "a byte count such as 1500, 64K or 16M (1 B to 1 GiB)"

    init(_ bytes: Int) { self.bytes = bytes }

    init?(argument: String) {
        var digits = Substring(argument)
        var unit = 1
        switch digits.last {
        case "K", "k": unit = 1 << 10
        case "M", "m": unit = 1 << 20
        default: break
        }
        if unit != 1 { digits = digits.dropLast() }
        guard let value = Int(digits), value > 0, value <= (1 << 30) / unit else { return nil }
        bytes = value * unit
    }

    var defaultValueDescription: String { "\(bytes)" }
}
