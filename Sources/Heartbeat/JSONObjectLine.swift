/// One JSON object on one line (JSON Lines), keys in the order added, so
/// that every line of a kind has its keys in the same order.
///
/// Strings are escaped as RFC 8259 section 7 requires: quotation mark,
/// reverse solidus and the control characters U+0000 to U+001F. Client
/// names are printable ASCII already; an address is too.
struct JSONObjectLine {
    private var text = "{"

    mutating func add(_ key: String, _ value: String) { addRaw(key, Self.quoted(value)) }

    mutating func add(_ key: String, _ value: UInt64) { addRaw(key, String(value)) }

    /// A value already written as JSON (a number, a list).
    mutating func addRaw(_ key: String, _ json: String) {
        if text.count > 1 { text += "," }
        text += Self.quoted(key) + ":" + json
    }

    /// The object, with its newline.
    var line: String { text + "}\n" }

    static func quoted(_ value: String) -> String {
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
