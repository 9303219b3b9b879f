/// A vsftpd configuration for a server of one's own on loopback: anonymous
/// only, in the foreground, on a port and in folders of the caller's, with
/// uploads allowed into `root/pub` and FTPS when a certificate is given.
/// `sockworks bench ftp` and the FTP command's tests run vsftpd with it.
///
/// vsftpd refuses an anonymous root the `ftp` user can write to, so the
/// root stays read-only (mode 0555) and uploads go into a folder below it
/// that anyone can write (`pub`, mode 0777). It runs as root, which it
/// needs for the chroot of every session.
public struct VsftpdConfiguration: Sendable {
    public var port: UInt16
    /// `anon_root`: what the anonymous user sees as `/`.
    public var root: String
    /// `secure_chroot_dir`: an empty folder no one can write to.
    public var emptyFolder: String
    /// The ports of passive data connections (`pasv_min_port`, `pasv_max_port`).
    public var passivePorts: ClosedRange<UInt16>
    /// The PEM certificate and key of FTPS (RFC 4217), which is then
    /// required for the login and the data, each data connection resuming
    /// the control connection's TLS session (`require_ssl_reuse`).
    public var tls: (certificate: String, key: String)?
    /// Where vsftpd logs what goes wrong; nothing when nil.
    public var logFile: String?
    /// Listen on ::1 instead of 127.0.0.1 (EPSV and EPRT then).
    public var ipv6 = false

    public init(
        port: UInt16, root: String, emptyFolder: String, passivePorts: ClosedRange<UInt16>,
        tls: (certificate: String, key: String)? = nil, logFile: String? = nil
    ) {
        self.port = port
        self.root = root
        self.emptyFolder = emptyFolder
        self.passivePorts = passivePorts
        self.tls = tls
        self.logFile = logFile
    }

    /// The configuration file's text: `option=value` lines (vsftpd.conf(5)).
    public var text: String {
        var lines = [
            "listen_port=\(port)", "background=NO",
            "anonymous_enable=YES", "local_enable=NO", "no_anon_password=YES", "anon_root=\(root)",
            "write_enable=YES", "anon_upload_enable=YES", "anon_mkdir_write_enable=YES",
            "anon_other_write_enable=YES", "anon_umask=022", "secure_chroot_dir=\(emptyFolder)",
            "pasv_enable=YES", "pasv_address=127.0.0.1", "pasv_min_port=\(passivePorts.lowerBound)",
            "pasv_max_port=\(passivePorts.upperBound)", "port_enable=YES", "connect_from_port_20=NO",
            // vsftpd 3.0.3's seccomp filter is stricter than some kernels'
            // system calls allow; the sessions still chroot and drop privileges.
            "seccomp_sandbox=NO", "xferlog_enable=NO", "dual_log_enable=NO", "max_clients=0", "max_per_ip=0",
            "anon_max_rate=0", "idle_session_timeout=120", "data_connection_timeout=120",
        ]
        lines +=
            ipv6
            ? ["listen=NO", "listen_ipv6=YES", "listen_address6=::1"]
            : ["listen=YES", "listen_ipv6=NO", "listen_address=127.0.0.1"]
        if let logFile { lines += ["vsftpd_log_file=\(logFile)"] }
        if let tls {
            lines += [
                "ssl_enable=YES", "allow_anon_ssl=YES", "force_anon_logins_ssl=YES", "force_anon_data_ssl=YES",
                "require_ssl_reuse=YES", "rsa_cert_file=\(tls.certificate)", "rsa_private_key_file=\(tls.key)",
                // The compiled-in default, DES-CBC3-SHA, is gone from OpenSSL 3.
                "ssl_ciphers=HIGH",
            ]
        }
        return "# Made by sockworks.\n" + lines.joined(separator: "\n") + "\n"
    }
}
