/// Header lines being built as bytes, each "Name: value\r\n".
struct FieldLines {
    private(set) var bytes: [UInt8] = []

    mutating func append(_ name: StaticString, _ value: some StringProtocol) {
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: ": ".utf8)
        bytes.append(contentsOf: value.utf8)
        bytes.append(contentsOf: "\r\n".utf8)
    }

    /// A line whose value is an IMF-fixdate, written without a String.
    mutating func append(_ name: StaticString, epochSeconds: Int64) {
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: ": ".utf8)
        HTTPDate.append(epochSeconds: epochSeconds, to: &bytes)
        bytes.append(contentsOf: "\r\n".utf8)
    }
}
