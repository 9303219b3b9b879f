import Glibc
import Servers
import SocketCore
import Synchronization

/// One running CGI script and the descriptors the session watches it by:
/// its standard output (the response), its standard error (for the error
/// log) and its end (a pidfd), all behind one `ReadinessGroup` descriptor
/// that the server model waits on.
///
/// The script is started with posix_spawn, never through a shell, with the
/// query string in its environment only (no argv: php-cgi's CVE-2012-1823
/// came from a query turned into options), in a process group of its own
/// whose working directory is the script's folder. `stop` kills the whole
/// group and reaps the script; it runs at the end of every exchange, so
/// nothing a script leaves behind outlives its request. The group is
/// killed before the script is reaped: until then the script's pid, which
/// is the group's id, cannot be given to another process.
final class ScriptProcess {
    let name: String
    private let child: SpawnedProcess
    private let output: PipeEnd
    private let errors: PipeEnd
    private let endNotice: ProcessEndNotice
    let readiness: ReadinessGroup
    /// How the script ended, once `stop` has reaped it.
    private(set) var exit: ChildExit?
    private(set) var outputEnded = false
    private(set) var errorsEnded = false
    private var endSeen = false
    private var stopped = false
    /// Where the script's output and error output are read into; made
    /// once the script runs (a failed start, which never reaches `deinit`,
    /// has nothing to free).
    private let buffer: UnsafeMutableRawBufferPointer

    /// Why a script could not be started: the status to answer and the
    /// error-log line's explanation.
    struct StartFailure: Error {
        let status: HTTPStatus
        let reason: String
    }

    /// Starts `path` with `environment`, its standard input read from
    /// `body` (nil: /dev/null).
    init(path: String, name: String, environment: [String: String], body: MemoryFile?) throws(StartFailure) {
        self.name = name
        Self.adoptOrphans()
        let directory = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        var request = SpawnRequest(
            executable: path, environment: environment, workingDirectory: directory.isEmpty ? "/" : directory,
            standardInput: body.map { .descriptor($0.descriptor) } ?? .nullDevice, standardOutput: .pipe,
            standardError: .pipe)
        request.argumentZero = path
        let child: SpawnedProcess
        do {
            child = try SpawnedProcess.spawn(request)
        } catch {
            throw Self.explain(error, path: path)
        }
        let output = child.standardOutput!
        let errors = child.standardError!
        let endNotice: ProcessEndNotice
        let readiness: ReadinessGroup
        do {
            endNotice = try ProcessEndNotice(child: child.pid)
            readiness = try ReadinessGroup()
            for end in [output, errors] {
                try end.setNonBlocking(true)
                try end.withUnsafeFileDescriptor { descriptor throws(SystemError) in try readiness.add(descriptor) }
            }
            try readiness.add(endNotice.descriptor)
        } catch {
            child.endGroup()
            throw StartFailure(status: .internalServerError, reason: "cannot watch the script: \(error)")
        }
        self.child = child
        self.output = output
        self.errors = errors
        self.endNotice = endNotice
        self.readiness = readiness
        buffer = .allocate(byteCount: ScriptExchange.readSize, alignment: 16)
    }

    /// The process that made itself a child subreaper (pid), so that what a
    /// script starts and leaves is re-parented here and reaped by `stop`,
    /// not left to an init that may never reap it. A fork model's
    /// connection process is a new process and does it again.
    private static let subreaper = Atomic<pid_t>(0)

    private static func adoptOrphans() {
        let me = getpid()
        guard subreaper.exchange(me, ordering: .relaxed) != me else { return }
        do {
            try Processes.becomeSubreaper()
        } catch {
            ServerLog.warning("cgi: \(error): what scripts leave running may outlive them as zombies")
        }
    }

    /// The troubleshooter's answers (the textbook's list for a `500`): what
    /// posix_spawn's errno says about the script.
    private static func explain(_ error: SystemError, path: String) -> StartFailure {
        switch error.code {
        case EACCES:
            StartFailure(status: .forbidden, reason: "\(path) is not executable (chmod +x), or its folder is closed")
        case ENOEXEC:
            StartFailure(
                status: .internalServerError,
                reason: "\(path) cannot be run: no interpreter line (#!) and not a program the kernel knows")
        case ENOENT:
            StartFailure(
                status: .internalServerError,
                reason: "\(path) cannot be run: the interpreter its #! line names does not exist")
        default:
            StartFailure(status: .internalServerError, reason: "\(path) cannot be run: \(error)")
        }
    }

    /// Reads what the script has written: nil when it has written nothing
    /// new, an empty buffer at the end of its output. The bytes are valid
    /// until the next read.
    func readOutput() -> UnsafeRawBufferPointer? {
        guard !outputEnded else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        switch try? output.read(into: buffer) {
        case .processed(let count):
            if count == 0 { close(output, &outputEnded) }
            return UnsafeRawBufferPointer(rebasing: buffer[..<count])
        case .wouldBlock:
            return nil
        case nil:
            // EIO and the like: the output is over.
            close(output, &outputEnded)
            return UnsafeRawBufferPointer(start: nil, count: 0)
        }
    }

    /// Reads what the script has written to its standard error into `log`.
    func readErrors(into log: inout ScriptErrorLog) {
        guard !errorsEnded else { return }
        // Bounded: a script that writes errors without end cannot keep the
        // session here; the rest waits for the next wake-up.
        for _ in 0..<4 {
            switch try? errors.read(into: buffer) {
            case .processed(let count) where count > 0:
                log.append(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
            case .wouldBlock:
                return
            default:
                close(errors, &errorsEnded)
                log.finish()
                return
            }
        }
    }

    /// Whether the script has ended (its pidfd is readable). It is not
    /// reaped yet, so its group id stays its own until `stop`; its notice
    /// leaves the readiness group, which would otherwise stay readable.
    func hasEnded() -> Bool {
        if endSeen { return true }
        var set = PollSet()
        _ = set.append(endNotice.descriptor, events: .readable)
        guard (try? set.wait(timeout: .zero)) == 1 else { return false }
        endSeen = true
        readiness.remove(endNotice.descriptor)
        return true
    }

    /// Kills the script's process group (whatever it left running) and
    /// reaps the script: once, at the end of every exchange, finished or
    /// not. Waiting after SIGKILL is brief. Returns how the script ended.
    @discardableResult
    func stop() -> ChildExit? {
        guard !stopped else { return exit }
        stopped = true
        exit = child.endGroup()
        return exit
    }

    private func close(_ end: PipeEnd, _ ended: inout Bool) {
        ended = true
        end.withUnsafeFileDescriptor { readiness.remove($0) }
        try? end.close()
    }

    deinit {
        stop()
        buffer.deallocate()
    }
}

/// A script's standard error, passed to the server's error log a line at a
/// time as `cgi NAME: line`, bounded per run so that a script cannot flood
/// the log; the last line is kept for the error line of a failed request.
struct ScriptErrorLog {
    let name: String
    private var line: [UInt8] = []
    private var loggedBytes = 0
    private var dropped = 0
    /// The last complete line, for the message of a failed request.
    private(set) var lastLine: String?

    static let maxLineBytes = 1024
    static let maxBytesPerRun = 16 << 10

    init(name: String) { self.name = name }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        for byte in bytes {
            if byte == 0x0A {
                emit()
            } else if line.count < Self.maxLineBytes {
                line.append(byte)
            }
        }
    }

    /// The error output has ended: the last unterminated line, and what was dropped.
    mutating func finish() {
        if !line.isEmpty { emit() }
        if dropped > 0 {
            ServerLog.warning("cgi \(name): \(dropped) more bytes of error output dropped")
            dropped = 0
        }
    }

    private mutating func emit() {
        defer { line.removeAll(keepingCapacity: true) }
        if line.last == 0x0D { line.removeLast() }
        guard loggedBytes + line.count <= Self.maxBytesPerRun else {
            dropped += line.count + 1
            return
        }
        loggedBytes += line.count + 1
        // Control bytes would let a script forge log lines of its own.
        let text = String(decoding: line.map { $0 < 0x20 || $0 == 0x7F ? UInt8(ascii: "?") : $0 }, as: UTF8.self)
        lastLine = text
        ServerLog.warning("cgi \(name): \(text)")
    }
}
