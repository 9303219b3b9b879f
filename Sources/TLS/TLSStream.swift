import COpenSSL
import SocketCore
import Streams

/// A TLS client connection over another byte stream: a connected socket
/// (from the first byte, or upgraded in place after STARTTLS), a plain
/// descriptor, anything.
///
/// Every call passes its deadline down to the stream below (through
/// `StreamTransport`), so the same instant bounds a whole handshake or a
/// read that needs several records. A read that timed out leaves the
/// connection usable; any other failure ends it, and only `close` may
/// follow. One call at a time: OpenSSL's connection is not to be used by
/// two threads at once.
///
/// The end of the stream (RFC 8446 section 6.1): the peer's close_notify
/// reads as end of stream (0), and the stream below ending without one is
/// `StreamError.endOfStream`, since an attacker can end a TCP connection
/// but cannot forge the alert.
public final class TLSStream: ByteStream {
    private let context: ClientContext
    private let transport: StreamTransport
    let connection: OpaquePointer
    private var sentCloseNotify = false
    private var isBroken = false
    private var isClosed = false

    /// Handshakes over `stream`, within `deadline`. The TLS stream then owns
    /// `stream`: its `close` closes both. When this throws, `stream` is
    /// still the caller's, open, to close (its bytes are of no further use
    /// to a protocol).
    public static func connect(
        over stream: any ByteStream, configuration: TLSClientConfiguration, deadline: MonotonicInstant?
    ) throws(TLSError) -> TLSStream {
        let tls = try TLSStream(stream, context: ClientContext(configuration), configuration: configuration)
        try tls.handshake(configuration, deadline: deadline)
        return tls
    }

    private init(_ stream: any ByteStream, context: ClientContext, configuration: TLSClientConfiguration)
        throws(TLSError)
    {
        OpenSSLErrorQueue.clear()
        guard let connection = SSL_new(context.context) else {
            throw .badConfiguration(reason: OpenSSLErrorQueue.takeReasons(or: "SSL_new failed"))
        }
        self.context = context
        self.connection = connection
        transport = StreamTransport(stream)
        guard let bio = transport.makeBIO(method: context.streamMethod) else {
            throw .badConfiguration(reason: OpenSSLErrorQueue.takeReasons(or: "BIO_new failed"))
        }
        SSL_set_bio(connection, bio, bio)
        try expect(serverName: configuration.serverName, verifying: configuration.verification != .none)
        if let session = configuration.resuming, SSL_set_session(connection, session.pointer) != 1 {
            throw .badConfiguration(reason: OpenSSLErrorQueue.takeReasons(or: "the session cannot be resumed"))
        }
    }

    deinit {
        SSL_free(connection)
    }

    /// The negotiated version, as OpenSSL names it: `TLSv1.3`, `TLSv1.2`.
    public var protocolVersion: String {
        String(cString: SSL_get_version(connection))
    }

    /// The negotiated cipher suite, as OpenSSL names it:
    /// `TLS_AES_256_GCM_SHA384`, `ECDHE-RSA-AES128-GCM-SHA256`.
    public var cipherName: String {
        SSL_get_current_cipher(connection).map { String(cString: SSL_CIPHER_get_name($0)) } ?? "(none)"
    }

    /// The session, for a later connection to resume; nil while the server
    /// has given none that can be. With TLS 1.3 the server sends its
    /// tickets after the handshake (RFC 8446 section 4.6.1): they arrive
    /// with the first read.
    public var session: TLSSession? {
        guard let session = SSL_get1_session(connection) else { return nil }
        guard SSL_SESSION_is_resumable(session) == 1 else {
            SSL_SESSION_free(session)
            return nil
        }
        return TLSSession(taking: session)
    }

    /// Whether the handshake resumed the configuration's session.
    public var resumedSession: Bool {
        SSL_session_reused(connection) == 1
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer, deadline: MonotonicInstant?)
        throws(StreamError) -> Int
    {
        precondition(!isClosed, "read from a closed TLSStream")
        guard !isBroken else { throw .tls(reason: "the connection failed earlier") }
        guard buffer.count > 0 else { return 0 }
        while true {
            begin(deadline: deadline)
            var count = 0
            let result = SSL_read_ex(connection, buffer.baseAddress, buffer.count, &count)
            if result == 1 { return count }
            let error = SSL_get_error(connection, result)
            if error == SSL_ERROR_ZERO_RETURN { return 0 }
            try check(error, during: "SSL_read")
        }
    }

    public func write(_ bytes: UnsafeRawBufferPointer, deadline: MonotonicInstant?) throws(StreamError) {
        precondition(!isClosed, "write to a closed TLSStream")
        guard !isBroken else { throw .tls(reason: "the connection failed earlier") }
        var written = 0
        while written < bytes.count {
            begin(deadline: deadline)
            var count = 0
            let result = SSL_write_ex(connection, bytes.baseAddress! + written, bytes.count - written, &count)
            if result == 1 {
                written += count
                continue
            }
            // A write that fails partway has sent part of a record: the
            // connection cannot go on even when the stream below timed out.
            isBroken = true
            try check(SSL_get_error(connection, result), during: "SSL_write")
        }
    }

    /// Sends close_notify (once): the peer reads end of stream, and this
    /// side may still read (RFC 8446 section 6.1 lets each side close its
    /// own direction). `.both` then shuts down the stream below as well.
    public func shutdown(_ direction: StreamShutdown, deadline: MonotonicInstant?) throws(StreamError) {
        precondition(!isClosed, "shutdown of a closed TLSStream")
        try sendCloseNotify(deadline: deadline)
        if direction == .both { try transport.stream.shutdown(.both, deadline: deadline) }
    }

    /// Sends close_notify if it was not sent and the connection is whole
    /// (its failure is not reported: the peer may have gone), then closes
    /// the stream below.
    public func close(deadline: MonotonicInstant?) throws(StreamError) {
        precondition(!isClosed, "TLSStream closed twice")
        if !isBroken { try? sendCloseNotify(deadline: deadline) }
        isClosed = true
        try transport.stream.close(deadline: deadline)
    }

    private func sendCloseNotify(deadline: MonotonicInstant?) throws(StreamError) {
        guard !isBroken else { throw .tls(reason: "the connection failed earlier") }
        guard !sentCloseNotify else { return }
        sentCloseNotify = true
        while true {
            begin(deadline: deadline)
            // 0: sent, the peer's not yet seen; 1: both seen.
            let result = SSL_shutdown(connection)
            if result >= 0 { return }
            try check(SSL_get_error(connection, result), during: "SSL_shutdown")
        }
    }

    /// Runs the handshake to its end. A refused certificate is reported
    /// with OpenSSL's verification reason rather than the alert it sent.
    private func handshake(_ configuration: TLSClientConfiguration, deadline: MonotonicInstant?) throws(TLSError) {
        while true {
            begin(deadline: deadline)
            let result = SSL_connect(connection)
            if result == 1 { return }
            let error = SSL_get_error(connection, result)
            let verification = SSL_get_verify_result(connection)
            if configuration.verification != .none && verification != X509_V_OK {
                OpenSSLErrorQueue.clear()
                throw .certificateRefused(reason: String(cString: X509_verify_cert_error_string(verification)))
            }
            do {
                try check(error, during: "SSL_connect")
            } catch .tls(let reason) {
                throw .handshakeFailed(reason: reason)
            } catch {
                throw .stream(error)
            }
        }
    }

    /// Starts a call into OpenSSL: its deadline, no old errors.
    private func begin(deadline: MonotonicInstant?) {
        OpenSSLErrorQueue.clear()
        transport.begin(deadline: deadline)
    }

    /// Returns when OpenSSL's `error` means "call again" (it read a record
    /// that held no data for the caller); throws why the call failed
    /// otherwise: the stream below's own error first, then OpenSSL's. Only
    /// a read that timed out leaves the connection usable. OpenSSL's queue
    /// is emptied either way, so that no thread keeps old errors.
    private func check(_ error: Int32, during call: String) throws(StreamError) {
        let reason = OpenSSLErrorQueue.takeReasons(or: "\(call) failed (SSL error \(error))")
        switch transport.trouble {
        case .failed(.timedOut) where error == SSL_ERROR_WANT_READ:
            throw .timedOut
        case .failed(let failure):
            isBroken = true
            throw failure
        case .ended:
            isBroken = true
            throw .endOfStream(received: 0)
        case nil:
            if error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE { return }
            isBroken = true
            throw .tls(reason: reason)
        }
    }
}
