import Glibc
import Servers
import SocketCore

/// One line, one command, each exercising one part of the handler
/// interface; a reply line (or more) for each:
/// - `echo TEXT`: `TEXT`.
/// - `file OFFSET COUNT`: `<file>`, that range of the fixture file (a file
///   range, sent with sendfile), `</file>`: bytes and file ranges in order.
/// - `deadline MS`: `deadline` once MS milliseconds have passed.
/// - `produce N`: N blocks of 16 KiB (block K filled with byte K % 251), each
///   made only when the last has been sent (`drained`), then `produced N`.
/// - `pause MS`: stops reading for MS milliseconds, then `resumed`; lines sent
///   meanwhile are answered after it.
/// - `pipe MS`: waits on a socket pair (as a web server waits on a CGI
///   child's pipe) whose other end a thread writes `piped` to after MS
///   milliseconds, and passes that line on.
/// - `wake MS`: a thread wakes the session after MS milliseconds: `woken`.
/// - `quit`: closes the connection.
struct InterfaceProbeHandler: StreamHandler {
    let file: String

    func open(peer: SocketAddress) -> InterfaceProbeSession { InterfaceProbeSession(file: file) }
}

struct InterfaceProbeSession: StreamSession {
    let file: String
    private var lines = LineBuffer()
    private var produced = 0
    private var toProduce = 0
    private var piped: Socket?
    private var wakeExpected = false
    private var resumeAt: MonotonicInstant?

    init(file: String) { self.file = file }

    mutating func received(_ input: UnsafeRawBufferPointer, _ io: inout SessionIO) -> SessionAction {
        lines.append(input)
        return answerLines(&io)
    }

    mutating func peerFinished(_ io: inout SessionIO) -> SessionAction { .close }

    mutating func drained(_ io: inout SessionIO) -> SessionAction {
        guard toProduce > 0 else { return .proceed }
        if produced == toProduce {
            io.output.append("produced \(produced)\n")
            io.wantsDrained = false
            toProduce = 0
            produced = 0
            return answerLines(&io)
        }
        io.output.append(contentsOf: repeatElement(UInt8(produced % 251), count: 16 * 1024))
        produced += 1
        return .proceed
    }

    mutating func deadlinePassed(_ io: inout SessionIO) -> SessionAction {
        if let resume = resumeAt, MonotonicInstant.now >= resume {
            resumeAt = nil
            io.pausesReading = false
            io.output.append("resumed\n")
            return answerLines(&io)
        }
        io.output.append("deadline\n")
        return .proceed
    }

    mutating func woken(_ io: inout SessionIO) -> SessionAction {
        if let piped, io.waitsOn != nil {
            var chunk = [UInt8](repeating: 0, count: 256)
            let count = (try? piped.receive(into: &chunk).value) ?? 0
            if count > 0 {
                io.output.append(contentsOf: chunk[..<count])
                return .proceed
            }
            // End of the pipe (or an error): stop waiting, then close it.
            io.waitsOn = nil
            try? piped.close()
            self.piped = nil
            return answerLines(&io)
        }
        if wakeExpected {
            wakeExpected = false
            io.output.append("woken\n")
        }
        return .proceed
    }

    mutating func closed() {
        try? piped?.close()
        piped = nil
    }

    /// Answers the complete lines buffered, unless a command is still
    /// under way (paused, producing, waiting on the pipe).
    private mutating func answerLines(_ io: inout SessionIO) -> SessionAction {
        while resumeAt == nil, toProduce == 0, piped == nil, let line = lines.next() {
            let words = line.split(separator: " ", maxSplits: 2).map(String.init)
            let number = words.count > 1 ? Int(words[1]) ?? 0 : 0
            switch words.first ?? "" {
            case "echo":
                io.output.append(line.dropFirst(5) + "\n")
            case "file":
                let count = words.count > 2 ? Int64(words[2]) ?? 0 : 0
                io.output.append("<file>\n")
                do {
                    io.output.append(file: try OpenFile(path: file), offset: Int64(number), count: count)
                } catch {
                    io.output.append("error \(error)\n")
                }
                io.output.append("</file>\n")
            case "deadline":
                io.deadline = .now + .milliseconds(number)
            case "produce":
                toProduce = number
                produced = 0
                io.wantsDrained = true
            case "pause":
                resumeAt = .now + .milliseconds(number)
                io.deadline = resumeAt
                io.pausesReading = true
            case "pipe":
                let ends: (Socket, Socket)
                do {
                    ends = try Socket.pair()
                } catch {
                    io.output.append("error \(error)\n")
                    continue
                }
                piped = ends.0
                io.waitsOn = WaitedDescriptor(ends.0.withUnsafeFileDescriptor { $0 }, for: .readable)
                let writeEnd = ends.1
                Self.later(milliseconds: number) {
                    try? writeEnd.sendAll(Array("piped\n".utf8))
                    try? writeEnd.close()
                }
            case "wake":
                wakeExpected = true
                let waker = io.makeWaker()
                Self.later(milliseconds: number) { waker.wake() }
            case "quit":
                return .close
            default:
                io.output.append("unknown \(line)\n")
            }
        }
        return .proceed
    }

    /// Runs `work` on a thread of its own after a pause.
    private static func later(milliseconds: Int, _ work: @escaping @Sendable () -> Void) {
        do {
            try PosixThread.startDetached {
                usleep(useconds_t(milliseconds * 1000))
                work()
            }
        } catch {
            work()
        }
    }
}

/// Bytes received, split into lines on "\n".
struct LineBuffer {
    private var bytes: [UInt8] = []

    mutating func append(_ input: UnsafeRawBufferPointer) { bytes.append(contentsOf: input) }

    mutating func next() -> String? {
        guard let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
        let line = String(decoding: bytes[..<newline], as: UTF8.self)
        bytes.removeSubrange(...newline)
        return line
    }
}
