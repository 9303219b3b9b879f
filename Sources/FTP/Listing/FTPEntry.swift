/// One entry of a directory, from a line of MLSD (RFC 3659 section 7).
///
/// This file imports nothing, so the fuzzer compiles it alone.
public struct FTPEntry: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        case file, directory, link, other
    }

    /// The name as the server sent it. It comes from the server: a caller
    /// that makes a local file of it checks it first (no "/", no "..").
    public let name: String
    public let kind: Kind
    /// The size in octets (the "size" fact), when the server gave it.
    public let size: Int64?
    /// The last modification, "YYYYMMDDHHMMSS" in UTC (the "modify" fact,
    /// its fraction of a second dropped), when the server gave it.
    public let modified: String?

    public init(name: String, kind: Kind, size: Int64? = nil, modified: String? = nil) {
        self.name = name
        self.kind = kind
        self.size = size
        self.modified = modified
    }

    /// The entry one MLSD line names, its CR LF removed: facts
    /// "name=value;" then a space, then the name (section 7.2). Fact names
    /// are case-insensitive. nil for the lines of the listed directory
    /// itself and its parent (type cdir and pdir, section 7.5.1), which are
    /// not entries of it.
    public static func parse(mlsdLine line: String) throws(MalformedFTPReply) -> FTPEntry? {
        guard let space = line.firstIndex(of: " ") else {
            throw MalformedFTPReply("an MLSD line without a space before the name")
        }
        let name = String(line[line.index(after: space)...])
        guard !name.isEmpty else { throw MalformedFTPReply("an MLSD line with an empty name") }
        var kind = Kind.other
        var size: Int64?
        var modified: String?
        for fact in line[..<space].split(separator: ";") {
            guard let equals = fact.firstIndex(of: "="), equals != fact.startIndex else {
                throw MalformedFTPReply("an MLSD fact without name=value: \"\(fact.prefix(40))\"")
            }
            let value = String(fact[fact.index(after: equals)...])
            switch fact[..<equals].lowercased() {
            case "type":
                switch value.lowercased() {
                case "cdir", "pdir": return nil
                case "file": kind = .file
                case "dir": kind = .directory
                // Section 7.5.1 leaves links to OS-specific types; this is
                // the form vsftpd, pyftpdlib and ProFTPD use.
                case let type where type.hasPrefix("os.unix=slink") || type == "os.unix=symlink": kind = .link
                default: kind = .other
                }
            case "size":
                guard let number = Int64(value), number >= 0, value.utf8.allSatisfy({ (0x30...0x39).contains($0) })
                else { throw MalformedFTPReply("an MLSD size that is not a decimal number: \"\(value.prefix(40))\"") }
                size = number
            case "modify":
                guard let time = FileFactsReply.timeValue(value) else {
                    throw MalformedFTPReply("an MLSD modify fact that is not a time: \"\(value.prefix(40))\"")
                }
                modified = time
            default:
                continue
            }
        }
        return FTPEntry(name: name, kind: kind, size: size, modified: modified)
    }
}
