import Bench
import Glibc
import SystemPackage
import TestSupport

/// vsftpd on 127.0.0.1, started by a test on a port of its own with a
/// configuration in a temporary folder (`VsftpdConfiguration`): anonymous,
/// a read-only root holding `pub`, where anyone may upload, make folders,
/// rename and delete. Stopped by its PID, its sessions (forks that leave
/// its process group) by theirs.
struct VsftpdServer {
    let port: UInt16
    let folder: TemporaryFolder
    let process: LiveProcess

    /// What the anonymous user sees as `/`.
    var root: String { folder.file("root") }
    /// The same path as `root + "/pub/" + name`, on this machine's side.
    func published(_ name: String) -> String { root + "/pub/" + name }

    /// Writes `pub/NAME` readable by the anonymous user (`writeFile` makes
    /// files 0600).
    func publish(_ name: String, _ bytes: [UInt8]) throws {
        try writeFile(published(name), bytes)
        chmod(published(name), 0o644)
    }

    static let executable = FilePath("/usr/sbin/vsftpd")

    /// Kills every session process (by PID, from /proc): vsftpd makes each
    /// session the leader of a session of its own, out of the listener's
    /// process group. The listener goes on.
    func killSessions() {
        for pid in ProcessTree(root: process.pid).processes() where pid != process.pid { kill(pid, SIGKILL) }
    }

    /// The options a test varies.
    struct Options {
        var tls: TestCertificates?
        /// `anon_max_rate`, bytes per second (0: unlimited): slow enough to
        /// cut a transfer half-way.
        var maximumRate = 0
        /// On ::1 instead of 127.0.0.1.
        var ipv6 = false
    }
}

/// Starts vsftpd with `options`, hands it to `body`, and stops it; skips
/// the test when vsftpd is missing or the test is not root (vsftpd's
/// anonymous sessions chroot).
func withVsftpd<Value: Sendable>(
    _ options: VsftpdServer.Options = .init(), _ body: (VsftpdServer) async throws -> Value
) async throws -> Value {
    try requireProgram(VsftpdServer.executable.string)
    try requireRoot("vsftpd chroots its anonymous sessions")
    let folder = try TemporaryFolder(prefix: "sockworks-vsftpd")
    defer { folder.remove() }
    for name in ["root", "root/pub", "empty"] { mkdir(folder.file(name), 0o755) }
    chmod(folder.file("root"), 0o555)
    chmod(folder.file("empty"), 0o555)
    chmod(folder.file("root/pub"), 0o777)
    // Another process may take a port between the probe and vsftpd's bind:
    // vsftpd then exits at once, and the next try takes other ports.
    for _ in 0..<5 {
        let port = try unusedTCPPort()
        let low = UInt16.random(in: 20000...60000)
        var configuration = VsftpdConfiguration(
            port: port, root: folder.file("root"), emptyFolder: folder.file("empty"), passivePorts: low...(low + 49),
            tls: options.tls.map { ($0.serverCertificate, $0.serverKey) }, logFile: folder.file("vsftpd.log"))
        configuration.ipv6 = options.ipv6
        var text = configuration.text
        if options.maximumRate > 0 { text += "anon_max_rate=\(options.maximumRate)\n" }
        try writeFile(folder.file("vsftpd.conf"), Array(text.utf8))
        let (value, _) = try await withProgram(
            VsftpdServer.executable, [folder.file("vsftpd.conf")], ownProcessGroup: true
        ) { process -> Value? in
            let listening = try await waitUntil(timeout: .seconds(10), pollingEvery: .milliseconds(10)) {
                !process.isRunning || (options.ipv6 ? isListeningOnIPv6(port: port) : isListening(port: port))
            }
            guard listening, process.isRunning else { return nil }
            let server = VsftpdServer(port: port, folder: folder, process: process)
            let value: Value
            do {
                value = try await body(server)
            } catch {
                server.killSessions()
                throw error
            }
            server.killSessions()
            try await process.stop()
            return value
        }
        if let value { return value }
    }
    let log = (try? readFile(folder.file("vsftpd.log"))).map { String(decoding: $0, as: UTF8.self) } ?? ""
    throw TestFailure("vsftpd did not start: \(log)")
}

/// Whether 127.0.0.1:PORT accepts a connection now.
func isListening(port: UInt16) -> Bool {
    guard let probe = try? TestSocket(type: Int32(SOCK_STREAM.rawValue)) else { return false }
    defer { probe.close() }
    return probe.connect(port: port) == 0
}

/// Whether [::1]:PORT accepts a connection now.
private func isListeningOnIPv6(port: UInt16) -> Bool {
    let descriptor = socket(AF_INET6, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard descriptor >= 0 else { return false }
    defer { close(descriptor) }
    var address = sockaddr_in6()
    address.sin6_family = sa_family_t(AF_INET6)
    address.sin6_port = port.bigEndian
    address.sin6_addr = in6addr_loopback
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) == 0
        }
    }
}
