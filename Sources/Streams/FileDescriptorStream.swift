import Glibc
import SocketCore
import SystemPackage

/// A plain descriptor as a byte stream: standard input or output, a pipe,
/// a file, a terminal.
///
/// It does not own the descriptor unless told to: a stream over standard
/// input must not close it when the stream goes. `close(deadline:)` closes
/// it either way.
///
/// Deadlines are waits in poll(2) before each read and write, as for a
/// socket. A write to a blocking pipe of more than the pipe's free room
/// can still wait past the deadline once it has begun (pipe(7): only writes
/// of up to `PIPE_BUF` bytes are all or nothing); a non-blocking descriptor
/// never does.
public final class FileDescriptorStream: ByteStream {
    public let descriptor: FileDescriptor
    private let closesOnDeinit: Bool
    private var isClosed = false

    /// A stream over `descriptor`; with `owning` true, the stream closes it
    /// when it goes, if `close(deadline:)` has not.
    public init(_ descriptor: FileDescriptor, owning: Bool = false) {
        self.descriptor = descriptor
        closesOnDeinit = owning
    }

    deinit {
        if closesOnDeinit && !isClosed { try? descriptor.close() }
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer, deadline: MonotonicInstant?)
        throws(StreamError) -> Int
    {
        precondition(!isClosed, "read from a closed FileDescriptorStream")
        while true {
            if deadline != nil { try wait(for: .readable, until: deadline) }
            do {
                return try descriptor.read(into: buffer)
            } catch Errno.wouldBlock {
                // Non-blocking: wait for the bytes (at once, with no deadline).
                if deadline == nil { try wait(for: .readable, until: nil) }
            } catch {
                throw .system(SocketError(error, call: "read"))
            }
        }
    }

    public func write(_ bytes: UnsafeRawBufferPointer, deadline: MonotonicInstant?) throws(StreamError) {
        precondition(!isClosed, "write to a closed FileDescriptorStream")
        var written = 0
        while written < bytes.count {
            if deadline != nil { try wait(for: .writable, until: deadline) }
            do {
                written += try descriptor.write(UnsafeRawBufferPointer(rebasing: bytes[written...]))
            } catch Errno.wouldBlock {
                if deadline == nil { try wait(for: .writable, until: nil) }
            } catch {
                throw .system(SocketError(error, call: "write"))
            }
        }
    }

    /// A plain descriptor has no half-close: this throws `ENOTSOCK`, as
    /// shutdown(2) would. Close the descriptor to end the stream.
    public func shutdown(_ direction: StreamShutdown, deadline: MonotonicInstant?) throws(StreamError) {
        throw .system(SocketError(code: ENOTSOCK, call: "shutdown", detail: "descriptor \(descriptor.rawValue)"))
    }

    /// Closes the descriptor, owned or not. close(2) is not retried: the
    /// descriptor is released even when it reports an error.
    public func close(deadline: MonotonicInstant?) throws(StreamError) {
        precondition(!isClosed, "FileDescriptorStream closed twice")
        isClosed = true
        do {
            try descriptor.close()
        } catch {
            throw .system(SocketError(error, call: "close"))
        }
    }

    /// Waits with poll(2) until the descriptor is ready; throws `.timedOut`
    /// when `deadline` passes first. Readiness includes an error or a
    /// hang-up: the next read or write reports it.
    private func wait(for events: PollEvents, until deadline: MonotonicInstant?) throws(StreamError) {
        var set = PollSet()
        _ = set.append(descriptor.rawValue, events: events)
        while true {
            switch try streamCall({ () throws(SocketError) in try set.wait(until: deadline) }) {
            case .ready: return
            case .timedOut: throw .timedOut
            case .interrupted: continue
            }
        }
    }
}

extension SocketError {
    /// A swift-system error as SocketCore's, so every call prints the same
    /// way: `read: EIO (Input/output error)`.
    init(_ error: any Error, call: String) {
        let code = (error as? Errno)?.rawValue ?? EIO
        self.init(code: code, call: call)
    }
}
