import COpenSSL
import SocketCore
import Streams

extension TLSStream {
    /// Sets the name the handshake announces and the certificate must
    /// match: a DNS name goes in the server name indication and is checked
    /// against the certificate's DNS names (RFC 6125 section 6.4, wildcards
    /// in the leftmost label only); an IP literal is checked against its
    /// IP addresses (RFC 6125 section 6.2 forbids matching it as text).
    func expect(serverName: String, verifying: Bool) throws(TLSError) {
        guard !serverName.isEmpty, !serverName.utf8.contains(0) else {
            throw .badConfiguration(reason: "the server name \(serverName.debugDescription) is not a host name")
        }
        if IPAddress(serverName) != nil {
            if verifying, X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(connection), serverName) != 1 {
                throw .badConfiguration(reason: OpenSSLErrorQueue.takeReasons(or: "bad IP address \(serverName)"))
            }
            return
        }
        guard co_SSL_set_tlsext_host_name(connection, serverName) == 1 else {
            throw .badConfiguration(reason: OpenSSLErrorQueue.takeReasons(or: "bad server name \(serverName)"))
        }
        if verifying {
            SSL_set_hostflags(connection, UInt32(X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS))
            guard SSL_set1_host(connection, serverName) == 1 else {
                throw .badConfiguration(reason: OpenSSLErrorQueue.takeReasons(or: "bad server name \(serverName)"))
            }
        }
    }
}
