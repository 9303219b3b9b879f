import ArgumentParser
import HTTP

/// An `-H 'Name: value'` argument.
enum HeaderArgument {
    /// The name and value, checked as RFC 9110 section 5 wants them sent;
    /// whitespace around the value is dropped, as curl does.
    static func parse(_ argument: String) throws -> (name: String, value: String) {
        guard let colon = argument.firstIndex(of: ":") else {
            throw ValidationError("-H \(String(reflecting: argument)): give 'Name: value'")
        }
        let name = String(argument[..<colon])
        let value = String(argument[argument.index(after: colon)...].drop { $0 == " " || $0 == "\t" })
            .reversed().drop { $0 == " " || $0 == "\t" }.reversed()
        guard FieldSyntax.isToken(name.utf8) else {
            throw ValidationError("-H \(String(reflecting: argument)): \(String(reflecting: name)) is not a field name")
        }
        let text = String(value)
        guard FieldSyntax.isFieldValue(text.utf8) else {
            throw ValidationError("-H \(String(reflecting: argument)): the value holds a control character")
        }
        let lower = name.lowercased()
        guard lower != "content-length" && lower != "transfer-encoding" else {
            throw ValidationError("-H \(name): the client sets it from --data")
        }
        return (name, text)
    }
}
