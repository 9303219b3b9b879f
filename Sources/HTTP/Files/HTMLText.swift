/// Text put into HTML: the five characters that could end text or an
/// attribute value are escaped.
enum HTMLText {
    /// `text` with `&`, `<`, `>`, `"` and `'` written as character
    /// references, so that a file name is shown, never run or parsed as markup.
    static func escaped(_ text: some StringProtocol) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.unicodeScalars.append(character)
            }
        }
        return result
    }
}
