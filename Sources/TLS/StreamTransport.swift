import COpenSSL
import SocketCore
import Streams

/// The stream below a TLS connection, as OpenSSL's BIO: its callbacks
/// read and write the stream with the deadline of the TLS call under way,
/// so one instant bounds a whole handshake, or a read that has to take in
/// several records.
///
/// The BIO reaches this object through its data pointer, unretained: the
/// TLS stream keeps it alive for as long as the BIO. OpenSSL sees only
/// "failed" or "try again"; why the stream below failed is kept here, for
/// the TLS stream to report instead of OpenSSL's reading of it.
final class StreamTransport {
    let stream: any ByteStream
    /// The deadline of the TLS call under way.
    var deadline: MonotonicInstant?
    /// What went wrong below during the TLS call under way; the first
    /// trouble only (a failed read may be followed by a failed alert).
    private(set) var trouble: Trouble?

    enum Trouble: Equatable {
        /// The stream ended (read returned 0).
        case ended
        /// A read or write threw.
        case failed(StreamError)
    }

    init(_ stream: any ByteStream) {
        self.stream = stream
    }

    /// Starts a TLS call bounded by `deadline`.
    func begin(deadline: MonotonicInstant?) {
        self.deadline = deadline
        trouble = nil
    }

    /// A new BIO over this transport (one reference, for `SSL_set_bio`).
    func makeBIO(method: OpaquePointer) -> OpaquePointer? {
        guard let bio = BIO_new(method) else { return nil }
        BIO_set_data(bio, Unmanaged.passUnretained(self).toOpaque())
        BIO_set_init(bio, 1)
        return bio
    }

    /// The BIO method whose callbacks are those below. A source/sink type
    /// with no index of its own: BIO_get_new_index hands out at most a few
    /// hundred in a process, and nothing looks this BIO up by type.
    static func makeMethod() -> OpaquePointer? {
        guard let method = BIO_meth_new(BIO_TYPE_SOURCE_SINK, "sockworks byte stream") else { return nil }
        BIO_meth_set_read_ex(method, readCallback)
        BIO_meth_set_write_ex(method, writeCallback)
        BIO_meth_set_ctrl(method, controlCallback)
        return method
    }

    private func record(_ trouble: Trouble) {
        if self.trouble == nil { self.trouble = trouble }
    }

    private static func transport(of bio: OpaquePointer?) -> StreamTransport {
        Unmanaged<StreamTransport>.fromOpaque(BIO_get_data(bio)!).takeUnretainedValue()
    }

    /// Reads what the stream has, at most `length` bytes. A read that timed
    /// out is "try again" to OpenSSL, so the TLS connection is still whole
    /// and a later read may go on with it.
    private static let readCallback:
        @convention(c) (OpaquePointer?, UnsafeMutablePointer<CChar>?, Int, UnsafeMutablePointer<Int>?) -> Int32 = {
            bio, data, length, readBytes in
            let transport = transport(of: bio)
            co_BIO_clear_retry_flags(bio)
            readBytes?.pointee = 0
            guard transport.trouble == nil else { return 0 }
            do throws(StreamError) {
                let buffer = UnsafeMutableRawBufferPointer(start: data, count: length)
                let count = try transport.stream.read(into: buffer, deadline: transport.deadline)
                if count == 0 {
                    transport.record(.ended)
                    return 0
                }
                readBytes?.pointee = count
                return 1
            } catch {
                if error == .timedOut { co_BIO_set_retry_read(bio) }
                transport.record(.failed(error))
                return 0
            }
        }

    /// Writes all of `length` bytes, or fails.
    private static let writeCallback:
        @convention(c) (OpaquePointer?, UnsafePointer<CChar>?, Int, UnsafeMutablePointer<Int>?) -> Int32 = {
            bio, data, length, written in
            let transport = transport(of: bio)
            co_BIO_clear_retry_flags(bio)
            written?.pointee = 0
            guard transport.trouble == nil else { return 0 }
            do throws(StreamError) {
                try transport.stream.write(
                    UnsafeRawBufferPointer(start: data, count: length), deadline: transport.deadline)
                written?.pointee = length
                return 1
            } catch {
                transport.record(.failed(error))
                return 0
            }
        }

    /// Flushing has nothing to do (every write went to the stream); end of
    /// file is whether a read found the stream's end. Nothing else is known.
    private static let controlCallback: @convention(c) (OpaquePointer?, Int32, Int, UnsafeMutableRawPointer?) -> Int = {
        bio, command, _, _ in
        switch command {
        case BIO_CTRL_FLUSH: return 1
        case BIO_CTRL_EOF: return transport(of: bio).trouble == .ended ? 1 : 0
        default: return 0
        }
    }
}
