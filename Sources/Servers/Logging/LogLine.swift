import Logging

/// The text of one log message, the same for every handler: the message,
/// then its metadata as `key=value` pairs sorted by key (a value with a
/// space, a quote or an `=` in it is quoted, so the pairs stay readable).
enum LogLine {
    static func render(_ message: Logger.Message, _ metadata: Logger.Metadata) -> String {
        guard !metadata.isEmpty else { return message.description }
        let pairs = metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\(quoted("\($0.value)"))" }
        return message.description + " " + pairs.joined(separator: " ")
    }

    /// The handler's own metadata, overridden by the event's.
    static func merged(_ handler: Logger.Metadata, _ event: Logger.Metadata?) -> Logger.Metadata {
        guard let event, !event.isEmpty else { return handler }
        return handler.merging(event) { $1 }
    }

    private static func quoted(_ value: String) -> String {
        guard value.isEmpty || value.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" || $0.isNewline }) else {
            return value
        }
        var text = "\""
        for character in value {
            switch character {
            case "\\", "\"": text += "\\\(character)"
            case "\n": text += "\\n"
            default: text.append(character)
            }
        }
        return text + "\""
    }
}
