/// One header field as it is written: its name and the pieces of its value,
/// folded (RFC 5322 §2.2.3) so that no line is longer than 78 characters
/// (§2.1.1) unless a single piece is.
struct HeaderField {
    /// The longest line the folding aims for.
    static let lineLength = 78

    let name: String
    /// Pieces written one space apart; a line may be folded at any of those
    /// spaces, before a piece that is not empty.
    let pieces: [String]

    init(_ name: String, pieces: [String]) {
        self.name = name
        self.pieces = pieces
    }

    /// A field whose value is written as it is (ASCII the writer made).
    init(_ name: String, _ value: String) {
        self.init(name, pieces: Self.words(of: value))
    }

    /// The value's words, each run of spaces kept with the word after it
    /// (at the end, with the word before it): a fold replaces the one space
    /// between two pieces, so no line holds only spaces and a run of them
    /// never makes a line long.
    static func words(of value: String) -> [String] {
        var words: [String] = []
        var spaces = ""
        for word in value.split(separator: " ", omittingEmptySubsequences: false) {
            if word.isEmpty {
                spaces += " "
            } else {
                words.append(spaces + word)
                spaces = ""
            }
        }
        guard !words.isEmpty else { return [String(spaces.dropFirst())] }
        words[words.count - 1] += spaces
        return words
    }

    /// A field of text given by the user: written as it is when it is plain
    /// ASCII, else as encoded words, the first sized to the room left after
    /// the name.
    init(_ name: String, text: String) {
        if HeaderText.isPlain(text) {
            self.init(name, text)
        } else {
            self.init(name, pieces: EncodedWords.words(text, firstWordLength: Self.lineLength - name.utf8.count - 2))
        }
    }

    /// The folded field, each line ending CRLF.
    var text: String {
        var result = ""
        var line = name + ":"
        var lineHasPiece = false
        for piece in pieces {
            if lineHasPiece, !piece.isEmpty, line.utf8.count + 1 + piece.utf8.count > Self.lineLength {
                result += line + "\r\n"
                line = ""
            }
            line += " " + piece
            lineHasPiece = lineHasPiece || !piece.isEmpty
        }
        return result + line + "\r\n"
    }
}
