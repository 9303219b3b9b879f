/// An item of a list option that is not valid. Argument-parser puts the
/// description after `The value 'WORD' is invalid for '--OPTION <OPTION>': `.
enum ListItemError: Error, CustomStringConvertible {
    /// Two commas in a row, or one at an end: `1,,2`, `epoll,`.
    case empty(valid: String)
    /// An item that does not parse: `epol`, `0`.
    case invalid(String, valid: String)

    var description: String {
        switch self {
        case .empty(let valid): "an empty item (each item is \(valid))"
        case .invalid(let item, let valid): "'\(item)' is not \(valid)"
        }
    }
}
