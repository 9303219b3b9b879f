import Glibc
import SocketCore

/// Where CGI scripts live and how they run (RFC 3875): what
/// `sockworks serve http --cgi-bin DIR` and its `--cgi-*` options set.
public struct CGIOptions: Sendable {
    /// The scripts' folder, absolute (a relative one is taken from the
    /// working folder when set) and without a trailing `/`: scripts run
    /// with their folder as working folder, which must not depend on where
    /// the server later is.
    public var directory: String {
        didSet { directory = Self.absoluteDirectory(directory) }
    }
    /// The URL prefix that names a script, always in the form `/name/`
    /// (`cgi-bin`, `/cgi-bin` and `//cgi-bin//` all become `/cgi-bin/`).
    public var prefix: String = "/cgi-bin/" {
        didSet { prefix = Self.normalisedPrefix(prefix) }
    }
    /// How long a script may run; past it its process group is killed.
    public var timeout: Duration = .seconds(30)
    /// How many scripts may run at once (`--cgi-max`); beyond it, `503`.
    public var maxScripts = 32
    /// The largest request body a script is given; a larger one gets `413`.
    public var maxRequestBody: Int64 = 1 << 20

    public init(directory: String) {
        self.directory = Self.absoluteDirectory(directory)
    }

    /// `path` made absolute from the working folder, its trailing slashes
    /// removed (but for `/` itself).
    static func absoluteDirectory(_ path: String) -> String {
        var absolute = path
        if !path.hasPrefix("/") {
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX))
            if getcwd(&buffer, buffer.count) != nil {
                let workingFolder = String(nulTerminated: buffer)
                absolute = (workingFolder == "/" ? "" : workingFolder) + "/" + path
            }
        }
        while absolute.count > 1 && absolute.hasSuffix("/") { absolute.removeLast() }
        return absolute
    }

    /// `prefix` as `/segment/.../`: empty and `.` segments dropped, so that
    /// it can be compared with a normalised `RequestPath`.
    static func normalisedPrefix(_ prefix: String) -> String {
        let segments = prefix.split(separator: "/").filter { $0 != "." }
        return segments.isEmpty ? "/" : "/" + segments.joined(separator: "/") + "/"
    }
}
