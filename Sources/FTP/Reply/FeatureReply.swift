/// The extensions a server names in its 211 reply to FEAT (RFC 2389
/// section 3.2): each line between the first and the last begins with a
/// space, then a keyword and perhaps parameters ("REST STREAM", "MLST
/// type*;size*;"). Keywords are case-insensitive, kept upper-cased.
///
/// This file imports nothing, so the fuzzer compiles it alone.
public enum FeatureReply {
    /// The keywords, and each one's parameters as sent ("" for none).
    public static func features(in reply: FTPReply) -> [String: String] {
        guard reply.code == 211, reply.lines.count > 2 else { return [:] }
        var features: [String: String] = [:]
        for line in reply.lines.dropFirst().dropLast() where line.hasPrefix(" ") {
            let words = line.dropFirst().split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
            guard let keyword = words.first, !keyword.isEmpty else { continue }
            let parameters = words.count > 1 ? String(words[1]) : ""
            if features[keyword.uppercased()] == nil { features[keyword.uppercased()] = parameters }
        }
        return features
    }
}
