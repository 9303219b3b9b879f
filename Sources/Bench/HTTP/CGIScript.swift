import Glibc
import Subprocess

/// A script of the CGI benchmark: the cheapest output a CGI program can
/// give (RFC 3875 section 6: a Content-Type, a Content-Length so that the
/// response needs no chunking, a blank line, the body), so that what is
/// measured is the server's cost of starting and reaping a process per
/// request, plus, for Python, an interpreter's start.
public enum CGIScript: String, Codable, Sendable, CaseIterable {
    /// A C program compiled with `cc -O2`: a process's start and nothing else.
    case c = "hello"
    /// The same output from Python 3, run through its interpreter line.
    case python = "hello.py"

    /// The program's name in the cgi-bin folder.
    public var name: String { rawValue }

    /// The request target, under the servers' `/cgi-bin/` prefix.
    public var path: String { "/cgi-bin/" + rawValue }

    /// `C`, `Python`: how the workload names it.
    public var language: String {
        switch self {
        case .c: "C"
        case .python: "Python"
        }
    }

    /// The body every script writes, which the load generator checks each
    /// response against.
    public static let body = "Hello, world\n"

    /// Where the expected body is written for the load generator: a file of
    /// the document root, so that `HTTPWorkload.file` keeps meaning "the
    /// bytes every response must carry".
    public static let output = HTTPFile(name: "cgi-output.txt", size: body.utf8.count)

    /// The header lines end in a bare LF: RFC 3875 section 6 allows it, and
    /// it is what most scripts write.
    static let header = "Content-Type: text/plain\nContent-Length: \(body.utf8.count)\n\n"

    /// One write(2) of the whole response, no stdio.
    static var cSource: String {
        let text = (header + body).replacingNewlines
        return """
            /* Made by sockworks bench http --cgi. */
            #include <unistd.h>

            int main(void) {
              static const char response[] = "\(text)";
              return write(1, response, sizeof response - 1) == (ssize_t)(sizeof response - 1) ? 0 : 1;
            }

            """
    }

    static var pythonSource: String {
        """
        #!/usr/bin/python3
        # Made by sockworks bench http --cgi.
        import sys

        sys.stdout.write("\((header + body).replacingNewlines)")

        """
    }

    /// Writes both scripts into `folder` (created when missing), compiling
    /// the C one with `cc -O2`; a missing compiler or interpreter is an
    /// error that says so.
    public static func writeFolder(_ folder: String) async throws {
        try BenchPaths.makeFolder(folder)
        guard access("/usr/bin/python3", X_OK) == 0 else {
            throw BenchError("the CGI benchmark needs /usr/bin/python3 for \(Self.python.name)")
        }
        let python = folder + "/" + Self.python.name
        try BenchPaths.write(pythonSource, to: python)
        guard chmod(python, 0o755) == 0 else { throw BenchError("cannot make \(python) executable") }
        let source = folder + "/hello.c"
        try BenchPaths.write(cSource, to: source)
        let compiled = try? await Subprocess.run(
            .name("cc"), arguments: ["-O2", "-o", folder + "/" + Self.c.name, source], output: .discarded,
            error: .string(limit: 1 << 16))
        guard let compiled else { throw BenchError("the CGI benchmark needs a C compiler (cc)") }
        guard compiled.terminationStatus == .exited(0) else {
            throw BenchError("cc -O2 \(source) failed: \(compiled.standardError)")
        }
    }
}

extension String {
    /// The text as a C or Python string literal's content: newlines as `\n`.
    fileprivate var replacingNewlines: String {
        split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\\n")
    }
}
