/// One JSON object on one line (JSON Lines), keys in the order they are
/// added, so that every line of a kind has its keys in the same order.
///
/// Strings are escaped as RFC 8259 section 7 requires: quotation mark,
/// reverse solidus and the control characters U+0000 to U+001F; everything
/// else, non-ASCII included, passes through as UTF-8
/// (https://www.rfc-editor.org/rfc/rfc8259#section-7).
struct JSONLine {
    private var text = "{"

    /// A string value; nil writes `null`.
    mutating func add(_ key: String, _ value: String?) {
        addRaw(key, value.map(Self.quoted) ?? "null")
    }

    mutating func add(_ key: String, _ value: Int?) {
        addRaw(key, value.map { String($0) } ?? "null")
    }

    mutating func add(_ key: String, _ value: Bool) {
        addRaw(key, value ? "true" : "false")
    }

    /// Whole microseconds written as milliseconds with three decimals
    /// (`41` gives `0.041`): exact, where a Double would print
    /// `0.041000000000000002`.
    mutating func add(_ key: String, microsecondsAsMilliseconds value: Int?) {
        addRaw(key, value.map(NumberText.signedMilliseconds) ?? "null")
    }

    /// A Double in the shortest form that reads back the same; JSON has no
    /// NaN or infinity, so those are written as `null`.
    mutating func add(_ key: String, _ value: Double) {
        addRaw(key, value.isFinite ? "\(value)" : "null")
    }

    /// A value already written as JSON (a number, `true`, `null`).
    mutating func addRaw(_ key: String, _ json: String) {
        if text.count > 1 { text += "," }
        text += Self.quoted(key) + ":" + json
    }

    /// The object, with its newline.
    var line: String { text + "}\n" }

    /// `value` as a JSON string literal.
    static func quoted(_ value: String) -> String {
        var out = "\""
        out.reserveCapacity(value.utf8.count + 2)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{8}": out += "\\b"
            case "\u{c}": out += "\\f"
            case "\u{0}"..."\u{1f}":
                out += "\\u00" + NumberText.padded(Int(scalar.value), 2, hex: true)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
