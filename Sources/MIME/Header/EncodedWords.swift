/// RFC 2047 encoded words for header text that is not plain ASCII: the
/// UTF-8 of the text in base64 (the `B` encoding, §4.1), cut into words of
/// at most 75 characters (§2) between whole characters, never inside one
/// (§5: each word must decode alone). A decoder drops the white space
/// between adjacent encoded words (§6.2), so the words join back exactly.
public enum EncodedWords {
    /// The longest encoded word RFC 2047 §2 allows.
    public static let maximumWordLength = 75
    private static let prefix = "=?UTF-8?B?"
    private static let suffix = "?="

    /// The encoded words of `text`: the first at most `firstWordLength`
    /// characters (the room left on the header's first line), the others at
    /// most 75.
    public static func words(_ text: String, firstWordLength: Int = maximumWordLength) -> [String] {
        var words: [String] = []
        var chunk: [UInt8] = []
        var limit = bytesPerWord(min(max(firstWordLength, prefix.count + suffix.count + 4), maximumWordLength))
        for scalar in text.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            if chunk.count + bytes.count > limit {
                words.append(word(chunk))
                chunk = []
                limit = bytesPerWord(maximumWordLength)
            }
            chunk += bytes
        }
        if !chunk.isEmpty || words.isEmpty { words.append(word(chunk)) }
        return words
    }

    /// How many bytes of UTF-8 fit in a word of `length` characters: whole
    /// groups of 3 bytes, 4 characters each, inside the delimiters.
    private static func bytesPerWord(_ length: Int) -> Int {
        (length - prefix.count - suffix.count) / 4 * 3
    }

    private static func word(_ bytes: [UInt8]) -> String {
        var encoded = Base64Encoder.encode(bytes)
        encoded.removeAll { $0 == 0x0D || $0 == 0x0A }
        return prefix + String(decoding: encoded, as: UTF8.self) + suffix
    }
}
