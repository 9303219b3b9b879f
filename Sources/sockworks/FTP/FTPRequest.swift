/// One command of `sockworks ftp`, from its words (the arguments after
/// HOST, or one line at the prompt), checked before anything is sent.
enum FTPRequest: Equatable {
    case list(String?)
    case names(String?)
    case printDirectory
    case changeDirectory(String)
    /// `local` never comes from the server (see `FTPLocalName`).
    case get(remote: String, local: String, resume: Bool)
    case put(local: String, remote: String)
    case makeDirectory(String)
    case removeDirectory(String)
    case rename(from: String, to: String)
    case delete(String)
    case size(String)
    case modificationTime(String)
    /// At the prompt only.
    case help
    case quit

    /// What `help` and the command's discussion list.
    static let usageLines = [
        "ls [PATH]", "nlst [PATH]", "pwd", "cd PATH", "get [--continue] REMOTE [LOCAL]", "put LOCAL [REMOTE]",
        "mkdir PATH", "rmdir PATH", "rename FROM TO", "delete PATH", "size PATH", "mdtm PATH",
    ]

    /// `words[0]` is the command; `resume` is `--continue` given outside
    /// the words (on the command line); at the prompt, `get --continue`
    /// says it. `interactive` allows `help` and `quit`.
    init(words: [String], resume: Bool = false, interactive: Bool = false) throws(FTPArgumentError) {
        guard let name = words.first else { throw .invalid("no command") }
        var arguments = Array(words.dropFirst())
        var resume = resume
        if name == "get", arguments.first == "--continue" {
            arguments.removeFirst()
            resume = true
        }
        for argument in arguments { try FTPArgumentError.refuseLineBreaks(argument, role: name) }
        guard !resume || name == "get" else { throw .invalid("--continue goes with get, not \(name)") }
        func exactly(_ count: Int, _ usage: String) throws(FTPArgumentError) {
            guard arguments.count == count else { throw .invalid("usage: \(usage)") }
        }
        func optional(_ usage: String) throws(FTPArgumentError) -> String? {
            guard arguments.count <= 1 else { throw .invalid("usage: \(usage)") }
            return arguments.first
        }
        switch name {
        case "ls": self = .list(try optional("ls [PATH]"))
        case "nlst": self = .names(try optional("nlst [PATH]"))
        case "pwd":
            try exactly(0, "pwd")
            self = .printDirectory
        case "cd":
            try exactly(1, "cd PATH")
            self = .changeDirectory(arguments[0])
        case "get":
            guard (1...2).contains(arguments.count) else { throw .invalid("usage: get [--continue] REMOTE [LOCAL]") }
            let local =
                arguments.count == 2
                ? arguments[1] : try FTPLocalName.lastPart(of: arguments[0], otherwiseGive: "LOCAL")
            guard !local.isEmpty else { throw .invalid("get: LOCAL is empty") }
            self = .get(remote: arguments[0], local: local, resume: resume)
        case "put":
            guard (1...2).contains(arguments.count) else { throw .invalid("usage: put LOCAL [REMOTE]") }
            let remote =
                arguments.count == 2
                ? arguments[1] : try FTPLocalName.lastPart(of: arguments[0], otherwiseGive: "REMOTE")
            self = .put(local: arguments[0], remote: remote)
        case "mkdir":
            try exactly(1, "mkdir PATH")
            self = .makeDirectory(arguments[0])
        case "rmdir":
            try exactly(1, "rmdir PATH")
            self = .removeDirectory(arguments[0])
        case "rename":
            try exactly(2, "rename FROM TO")
            self = .rename(from: arguments[0], to: arguments[1])
        case "delete":
            try exactly(1, "delete PATH")
            self = .delete(arguments[0])
        case "size":
            try exactly(1, "size PATH")
            self = .size(arguments[0])
        case "mdtm":
            try exactly(1, "mdtm PATH")
            self = .modificationTime(arguments[0])
        case "help" where interactive:
            try exactly(0, "help")
            self = .help
        case "quit" where interactive, "exit" where interactive, "bye" where interactive:
            try exactly(0, "quit")
            self = .quit
        default:
            throw .invalid(
                "unknown command \(name.debugDescription) (\(interactive ? "help lists them" : "see --help"))")
        }
        for path in paths where path.isEmpty { throw .invalid("\(name): an empty path") }
    }

    /// The remote paths the request names, for the empty-path check.
    private var paths: [String] {
        switch self {
        case .list(let path), .names(let path): path.map { [$0] } ?? []
        case .changeDirectory(let path), .makeDirectory(let path), .removeDirectory(let path), .delete(let path),
            .size(let path), .modificationTime(let path):
            [path]
        case .get(let remote, _, _): [remote]
        case .put(let local, let remote): [local, remote]
        case .rename(let from, let to): [from, to]
        case .printDirectory, .help, .quit: []
        }
    }
}

/// The local name of a `get` without LOCAL (and the remote name of a `put`
/// without REMOTE): the last part of the path the user typed, never a name
/// a listing or a reply gave, which could be `../.bashrc` or `-rf`.
enum FTPLocalName {
    /// The last part of `path`; a failure naming `other`, the argument to
    /// give instead, when it is no file's name.
    static func lastPart(of path: String, otherwiseGive other: String) throws(FTPArgumentError) -> String {
        let name = path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? ""
        guard !name.isEmpty else {
            throw .invalid("\(path.debugDescription) ends in no file name: give \(other) too")
        }
        guard name != ".", name != ".." else {
            throw .invalid("\(path.debugDescription) names a folder, not a file: give \(other) too")
        }
        guard !name.hasPrefix("-") else {
            throw .invalid("\(name.debugDescription) starts with '-': give \(other) too (./\(name))")
        }
        return name
    }
}
