import Foundation
import TestSupport
import XCTest

/// An unprivileged nginx serving a temporary folder on a free loopback
/// port, with `$connection` in its access log so a test can tell which
/// requests shared a connection.
struct GetNginx {
    let folder: TemporaryFolder
    let port: UInt16
    var root: String { folder.file("www") }
    var accessLog: String { folder.file("access.log") }

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    /// The connection number of each request nginx has logged, in order.
    func loggedConnections() throws -> [String] {
        String(decoding: try readFile(accessLog), as: UTF8.self).split(separator: "\n").map {
            String($0.split(separator: " ")[0])
        }
    }

    /// Runs `body` while nginx serves `files` (path: bytes) from its root.
    static func serving<Value: Sendable>(
        _ files: [String: [UInt8]], _ body: @Sendable (GetNginx) async throws -> Value
    ) async throws -> Value {
        try requireProgram("/usr/sbin/nginx")
        let folder = try TemporaryFolder(prefix: "sockworks-get")
        defer { folder.remove() }
        try FileManager.default.createDirectory(atPath: folder.file("www/dir"), withIntermediateDirectories: true)
        for (path, bytes) in files { try writeFile(folder.file("www") + path, bytes) }
        // Another process may take the free port first: try again.
        for _ in 0..<5 {
            let port = try unusedTCPPort()
            let nginx = GetNginx(folder: folder, port: port)
            try writeFile(folder.file("nginx.conf"), Array(nginx.configuration.utf8))
            let (value, outcome) = try await withProgram(
                "/usr/sbin/nginx", ["-c", folder.file("nginx.conf"), "-p", folder.path]
            ) { process -> Value? in
                guard try await waitUntilListening(port: port) else { return nil }
                let value = try await body(nginx)
                _ = try await process.stop(.terminate, timeout: .seconds(10))
                return value
            }
            if let value { return value }
            XCTAssertFalse(outcome.leftRunning)
        }
        throw TestFailure("nginx did not start on a free port")
    }

    private var configuration: String {
        """
        daemon off;
        master_process off;
        error_log stderr;
        pid \(folder.file("nginx.pid"));
        events { worker_connections 64; }
        http {
            log_format conn '$connection $request $status';
            access_log \(accessLog) conn;
            client_body_temp_path \(folder.file("tmp"));
            proxy_temp_path \(folder.file("tmp"));
            fastcgi_temp_path \(folder.file("tmp"));
            uwsgi_temp_path \(folder.file("tmp"));
            scgi_temp_path \(folder.file("tmp"));
            server {
                listen 127.0.0.1:\(port);
                root \(root);
                location = /old { return 301 /dir/; }
            }
        }
        """
    }
}
