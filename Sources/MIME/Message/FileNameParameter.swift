/// The `filename` parameter of a Content-Disposition (RFC 2183 §2.3).
enum FileNameParameter {
    /// The longest value written in one piece.
    static let longestPiece = 60

    /// A short plain ASCII name as a quoted string; any other in the
    /// extended form of RFC 2231 §4 (`filename*=utf-8''%E2%82%AC.txt`), cut
    /// into numbered continuations (§3) when long, each on a line of its
    /// own after folding. A piece ends with `;` when another follows.
    static func pieces(_ name: String) -> [String] {
        let isPlain = name.utf8.allSatisfy { (0x20...0x7E).contains($0) && $0 != 0x22 && $0 != 0x5C }
        if isPlain && name.utf8.count <= longestPiece { return ["filename=\"\(name)\""] }
        var encoded: [String] = []
        var current = ""
        for byte in name.utf8 {
            let text =
                AddressCharacters.isLetterOrDigit(byte) || "!#$&+-.^_`|~".utf8.contains(byte)
                ? String(UnicodeScalar(byte)) : "%" + hex(byte)
            if current.utf8.count + text.utf8.count > longestPiece - 20 {
                encoded.append(current)
                current = ""
            }
            current += text
        }
        encoded.append(current)
        if encoded.count == 1 { return ["filename*=utf-8''\(encoded[0])"] }
        return encoded.enumerated().map { index, text in
            let value = index == 0 ? "utf-8''" + text : text
            return "filename*\(index)*=\(value)" + (index < encoded.count - 1 ? ";" : "")
        }
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
    }
}
