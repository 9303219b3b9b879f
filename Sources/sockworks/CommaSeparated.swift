import ArgumentParser

/// One word of a list option, split at its commas: `--models epoll,poll` and
/// `--models epoll poll` name the same two models, since people type lists
/// both ways (wrk's and fping's users, `a,b,c`; shells, `a b c`), and a mix
/// such as `--connections 1,16 128` works too.
///
/// Declare the option as `[CommaSeparated<Element>]` with
/// `parsing: .upToNextOption` and one of the `parser` transforms, and read
/// `flatMap(\.items)`: every item of every word, in the order given.
struct CommaSeparated<Element: Sendable>: Sendable {
    let items: [Element]

    init(_ items: [Element]) { self.items = items }

    /// A transform for `@Option`: splits a word at its commas and parses each
    /// item with `item`; an empty item or one `item` refuses throws a
    /// `ListItemError` that names it and says what `valid` items are.
    static func parser(
        valid: String, _ item: @escaping @Sendable (String) -> Element?
    ) -> @Sendable (String) throws -> Self {
        { word in
            let items = try word.split(separator: ",", omittingEmptySubsequences: false).map { text in
                guard !text.isEmpty else { throw ListItemError.empty(valid: valid) }
                guard let value = item(String(text)) else { throw ListItemError.invalid(String(text), valid: valid) }
                return value
            }
            return Self(items)
        }
    }
}

extension CommaSeparated where Element: ExpressibleByArgument & CaseIterable {
    /// Items that are the names of `Element`'s cases (`epoll`, `epoll-c`).
    static var parser: @Sendable (String) throws -> Self {
        parser(valid: "one of " + Element.allValueStrings.joined(separator: ", ")) { Element(argument: $0) }
    }
}

extension CommaSeparated where Element == Int {
    /// Items that are whole numbers in `range`.
    static func parser(range: ClosedRange<Int>) -> @Sendable (String) throws -> Self {
        parser(valid: "a whole number in \(range.lowerBound)...\(range.upperBound)") { text in
            Int(text).flatMap { range.contains($0) ? $0 : nil }
        }
    }
}
