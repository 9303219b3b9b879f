import FTP
import Glibc
import TLS

/// `sockworks ftp`'s options once checked: where to connect, as whom, and
/// how the client talks.
struct FTPSettings {
    var host: String
    var port: UInt16
    var user: String
    var password: String
    var dataMode: FTPDataMode
    var transferType: FTPTransferType
    /// nil: plain FTP.
    var verification: TLSVerification?
    var timeout: Duration
    var verbose: Bool

    var clientOptions: FTPClientOptions {
        FTPClientOptions(
            timeout: timeout, dataMode: dataMode,
            tls: verification.map { TLSClientConfiguration(serverName: host, verification: $0) },
            transcript: verbose ? { writeStandardError("\($0)\n") } : nil)
    }
}

extension FTPCommand {
    func settings() throws(FTPArgumentError) -> FTPSettings {
        try FTPArgumentError.refuseLineBreaks(host, role: "HOST")
        guard !host.isEmpty else { throw .invalid("HOST is empty") }
        guard port > 0 else { throw .invalid("--port must be in 1...65535") }
        guard timeout.isFinite, timeout > 0, timeout <= 3600 else {
            throw .invalid("--timeout must be more than 0 and at most 3600 seconds")
        }
        return FTPSettings(
            host: host, port: port, user: try loginUser(), password: try password(),
            dataMode: active ? .active : .passive, transferType: ascii ? .ascii : .binary,
            verification: try verification(), timeout: .milliseconds(Int64((timeout * 1000).rounded())),
            verbose: verbose)
    }

    private func loginUser() throws(FTPArgumentError) -> String {
        guard let user else { return "anonymous" }
        try FTPArgumentError.refuseLineBreaks(user, role: "--user")
        guard !user.isEmpty else { throw .invalid("--user is empty") }
        return user
    }

    /// A password is never an argument (it would be in the process list):
    /// `--password-file`, or anonymous's conventional one.
    private func password() throws(FTPArgumentError) -> String {
        switch (user, passwordFile) {
        case (nil, nil): return "anonymous@"
        case (nil, .some): throw .invalid("--password-file needs --user")
        case (.some, nil): throw .invalid("--user needs --password-file (a password is never an argument)")
        case (.some, let file?):
            do {
                return try PasswordFile.read(file)
            } catch {
                throw .invalid(error.description)
            }
        }
    }

    private func verification() throws(FTPArgumentError) -> TLSVerification? {
        guard tls else {
            guard !insecure else { throw .invalid("--insecure needs --tls: plain FTP has no certificate to check") }
            guard cafile == nil else { throw .invalid("--cafile needs --tls: plain FTP has no certificate to check") }
            return nil
        }
        if insecure {
            guard cafile == nil else { throw .invalid("--insecure checks no certificate: drop --cafile") }
            return TLSVerification.none
        }
        guard let cafile else { return .systemStore }
        guard access(cafile, R_OK) == 0 else { throw .invalid("--cafile \(cafile): cannot be read") }
        return .caFile(cafile)
    }
}
