/// The header (or trailer) fields of a message, in the order they came.
///
/// A parsed message keeps the bytes of its field block in one array and
/// each field as two ranges of it, so parsing a request makes two
/// allocations however many fields it has; names and values become Strings
/// only when asked for. Names compare case-insensitively (RFC 9110 section
/// 5.1); a name to look up is given in lower case.
public struct HTTPFields: Sendable, Equatable, Sequence {
    public struct Field: Sendable, Equatable {
        public var name: String
        public var value: String
    }

    /// The bytes the ranges index.
    @usableFromInline var storage: [UInt8]
    /// Each field's name and value, as ranges of `storage`.
    @usableFromInline var entries: [(name: Range<Int>, value: Range<Int>)]

    public init() {
        storage = []
        entries = []
    }

    /// Fields over the bytes of a parsed block: `entries` are ranges of
    /// `storage`, already checked against `FieldSyntax`.
    public init(storage: [UInt8], entries: [(name: Range<Int>, value: Range<Int>)]) {
        self.storage = storage
        self.entries = entries
    }

    /// Fields from name and value pairs (for building a message).
    public init(_ fields: [(String, String)]) {
        self.init()
        for (name, value) in fields { append(name: name, value: value) }
    }

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }

    /// Adds a field at the end. The caller checks the syntax
    /// (`FieldSyntax.isToken`, `FieldSyntax.isFieldValue`) when the name or
    /// value comes from outside.
    public mutating func append(name: String, value: String) {
        let nameStart = storage.count
        storage.append(contentsOf: name.utf8)
        let valueStart = storage.count
        storage.append(contentsOf: value.utf8)
        entries.append((nameStart..<valueStart, valueStart..<storage.count))
    }

    /// Removes every field named `name`.
    public mutating func removeAll(named name: String) {
        let kept = entries.filter { !matches($0.name, name) }
        entries = kept
    }

    /// The field at `index`.
    public subscript(index: Int) -> Field {
        let entry = entries[index]
        return Field(name: string(entry.name), value: string(entry.value))
    }

    /// The value of the first field named `name`.
    public func first(_ name: String) -> String? {
        entries.first { matches($0.name, name) }.map { string($0.value) }
    }

    /// The values of every field named `name`, in order.
    public func values(_ name: String) -> [String] {
        entries.filter { matches($0.name, name) }.map { string($0.value) }
    }

    /// How many fields are named `name`.
    public func count(of name: String) -> Int {
        entries.reduce(0) { $0 + (matches($1.name, name) ? 1 : 0) }
    }

    public func contains(_ name: String) -> Bool { entries.contains { matches($0.name, name) } }

    /// Calls `body` with the bytes of each value of the fields named `name`,
    /// without making Strings.
    public func forEachValue(of name: String, _ body: (ArraySlice<UInt8>) throws -> Void) rethrows {
        for entry in entries where matches(entry.name, name) { try body(storage[entry.value]) }
    }

    /// Whether a field named `name` lists `token` among its comma-separated
    /// elements, compared case-insensitively (`Connection: keep-alive, Upgrade`).
    public func hasToken(_ token: String, in name: String) -> Bool {
        let wanted = Array(token.utf8)
        var found = false
        forEachValue(of: name) { value in
            for element in value.split(separator: 0x2C) {
                let trimmed = element.drop(while: FieldSyntax.isWhitespace).reversed()
                    .drop(while: FieldSyntax.isWhitespace).reversed()
                if trimmed.count == wanted.count
                    && zip(trimmed, wanted).allSatisfy({ FieldSyntax.lowercased($0) == $1 })
                {
                    found = true
                }
            }
        }
        return found
    }

    public func makeIterator() -> AnyIterator<Field> {
        var index = 0
        return AnyIterator {
            guard index < self.entries.count else { return nil }
            defer { index += 1 }
            return self[index]
        }
    }

    public static func == (left: HTTPFields, right: HTTPFields) -> Bool {
        left.count == right.count && zip(left, right).allSatisfy { $0 == $1 }
    }

    /// Whether the name at `range` is `name` (lower case), ignoring case.
    @usableFromInline
    func matches(_ range: Range<Int>, _ name: String) -> Bool {
        guard range.count == name.utf8.count else { return false }
        var index = range.lowerBound
        for byte in name.utf8 {
            guard FieldSyntax.lowercased(storage[index]) == byte else { return false }
            index += 1
        }
        return true
    }

    private func string(_ range: Range<Int>) -> String { String(decoding: storage[range], as: UTF8.self) }
}
