import Glibc

/// A program to start with `SpawnedProcess.spawn`, and the world it starts
/// in, every part given explicitly: the path of the executable (no shell,
/// and no PATH search unless `searchesPath`), its arguments, its whole
/// environment (nothing of the parent's unless passed), its working
/// directory and its standard streams.
public struct SpawnRequest: Sendable, Equatable {
    /// The program: a path, used as given. A relative path is taken from
    /// `workingDirectory` when one is set (the child changes there first).
    public var executable: String
    /// The arguments after `argv[0]`.
    public var arguments: [String]
    /// `argv[0]`; the executable's path when nil.
    public var argumentZero: String?
    /// The child's entire environment; passed in name order.
    public var environment: [String: String]
    /// Where the child starts; the parent's working directory when nil.
    public var workingDirectory: String?
    public var standardInput: StandardStream
    public var standardOutput: StandardStream
    public var standardError: StandardStream
    /// Looks `executable` up in the parent's PATH when it has no slash
    /// (posix_spawnp(3)), as a shell would. Off by default: a CGI program is
    /// named by its path.
    public var searchesPath: Bool

    public init(
        executable: String,
        arguments: [String] = [],
        environment: [String: String] = [:],
        workingDirectory: String? = nil,
        standardInput: StandardStream = .nullDevice,
        standardOutput: StandardStream = .inherited,
        standardError: StandardStream = .inherited
    ) {
        self.executable = executable
        self.arguments = arguments
        self.argumentZero = nil
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.standardInput = standardInput
        self.standardOutput = standardOutput
        self.standardError = standardError
        self.searchesPath = false
    }

    /// The argument vector, `argv[0]` first.
    var argumentVector: [String] { [argumentZero ?? executable] + arguments }

    /// The environment as `NAME=value` strings, in name order.
    var environmentStrings: [String] { environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" } }

    /// What `posix_spawn` failures name: the executable, and the directory
    /// when one is set (a missing directory is ENOENT too).
    var failureDetail: String { workingDirectory.map { "\(executable) in \($0)" } ?? executable }

    /// Refuses what the C strings could not say: an empty executable, a NUL
    /// byte anywhere, an environment name that is empty or holds `=`.
    func validate() throws(SystemError) {
        func refuse(_ why: String) -> SystemError {
            SystemError(code: EINVAL, call: "posix_spawn", detail: "\(failureDetail): \(why)")
        }
        guard !executable.isEmpty else { throw refuse("no executable") }
        let strings = argumentVector + [executable, workingDirectory ?? ""] + environment.keys + environment.values
        guard !strings.contains(where: { $0.utf8.contains(0) }) else { throw refuse("a NUL byte in a string") }
        for case .descriptor(let given) in [standardInput, standardOutput, standardError] where given < 3 {
            // dup2 onto its own number would keep close-on-exec set: the child would lose it.
            throw refuse("descriptor \(given) given as a standard stream (must be 3 or above)")
        }
        for name in environment.keys where name.isEmpty || name.utf8.contains(UInt8(ascii: "=")) {
            throw refuse("environment name \(String(reflecting: name))")
        }
    }
}
