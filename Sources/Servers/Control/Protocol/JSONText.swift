/// A JSON object written key by key, in the order added (so every reply of
/// a kind has its keys in the same order), for the control port's one-line
/// replies. Strings are escaped as RFC 8259 section 7 requires: quotation
/// mark, reverse solidus and the control characters U+0000 to U+001F.
/// Pure, so the fuzzer compiles it alone.
public struct JSONText: Sendable {
    private var text = "{"
    private var isEmpty = true

    public init() {}

    public mutating func add(_ key: String, _ value: String) { addRaw(key, Self.quoted(value)) }

    public mutating func add(_ key: String, _ value: Bool) { addRaw(key, value ? "true" : "false") }

    public mutating func add(_ key: String, _ value: some BinaryInteger) { addRaw(key, String(value)) }

    /// Seconds with millisecond precision, as JSON writes a number:
    /// `12.345`.
    public mutating func add(_ key: String, milliseconds: Int64) {
        let sign = milliseconds < 0 ? "-" : ""
        let magnitude = milliseconds.magnitude
        let fraction = String(magnitude % 1000)
        addRaw(key, "\(sign)\(magnitude / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)")
    }

    /// A list of objects.
    public mutating func add(_ key: String, _ objects: [JSONText]) {
        addRaw(key, "[" + objects.map(\.object).joined(separator: ",") + "]")
    }

    /// A value already written as JSON.
    public mutating func addRaw(_ key: String, _ json: String) {
        if !isEmpty { text += "," }
        isEmpty = false
        text += Self.quoted(key) + ":" + json
    }

    /// The object, without a line end.
    public var object: String { text + "}" }

    public static func quoted(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\u{0}"..."\u{1f}":
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
