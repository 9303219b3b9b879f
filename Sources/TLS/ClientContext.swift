import COpenSSL

/// The OpenSSL objects one configuration needs, shared by nothing else: the
/// `SSL_CTX` (trust store, version floor, verification mode) and the BIO
/// method through which its connection reaches the stream below.
final class ClientContext {
    let context: OpaquePointer
    let streamMethod: OpaquePointer

    init(_ configuration: TLSClientConfiguration) throws(TLSError) {
        OpenSSLLibrary.initialize()
        OpenSSLErrorQueue.clear()
        guard let context = SSL_CTX_new(TLS_client_method()) else {
            throw .badConfiguration(reason: OpenSSLErrorQueue.takeReasons(or: "SSL_CTX_new failed"))
        }
        guard let streamMethod = StreamTransport.makeMethod() else {
            SSL_CTX_free(context)
            throw .badConfiguration(reason: OpenSSLErrorQueue.takeReasons(or: "BIO_meth_new failed"))
        }
        self.context = context
        self.streamMethod = streamMethod
        try configure(configuration)
    }

    deinit {
        SSL_CTX_free(context)
        BIO_meth_free(streamMethod)
    }

    private func configure(_ configuration: TLSClientConfiguration) throws(TLSError) {
        let floor =
            switch configuration.minimumVersion {
            case .tlsv12: TLS1_2_VERSION
            case .tlsv13: TLS1_3_VERSION
            }
        guard co_SSL_CTX_set_min_proto_version(context, floor) == 1 else {
            throw .badConfiguration(reason: OpenSSLErrorQueue.takeReasons(or: "cannot set the minimum version"))
        }
        // Records are read ahead into OpenSSL's buffer: a read of the
        // stream below then brings whole records and more, not a 5-byte
        // header followed by its body.
        co_SSL_CTX_set_read_ahead(context, 1)
        switch configuration.verification {
        case .systemStore:
            SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
            guard SSL_CTX_set_default_verify_paths(context) == 1 else {
                throw .badConfiguration(
                    reason: OpenSSLErrorQueue.takeReasons(or: "the system's trusted certificates cannot be read"))
            }
        case .caFile(let path):
            SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
            guard SSL_CTX_load_verify_file(context, path) == 1 else {
                let reason = OpenSSLErrorQueue.takeReasons(or: "no certificate in it")
                throw .badConfiguration(reason: "cannot read the CA file \(path): \(reason)")
            }
        case .none:
            SSL_CTX_set_verify(context, SSL_VERIFY_NONE, nil)
        }
    }
}
