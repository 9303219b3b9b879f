import FTP
import Synchronization
import TestSupport
import XCTest

/// A pyftpdlib server of the tests' own (Debian's python3-pyftpdlib, run by
/// /usr/bin/python3: `Peer/ftp_server.py`), serving a fresh folder to the
/// user "alice" and to anonymous.
struct Pyftpdlib: Sendable {
    let port: UInt16
    /// The folder served, as the server's "/".
    let root: String

    /// Runs `body` on a thread of its own while a server runs on `host`
    /// ("127.0.0.1" or "::1") with the script's `arguments`, then stops it;
    /// `prepare` fills the folder first.
    static func run<Value: Sendable>(
        host: String = "127.0.0.1", arguments: [String] = [], prepare: (String) throws -> Void = { _ in },
        _ body: @escaping @Sendable (Pyftpdlib) throws -> Value
    ) async throws -> Value {
        try await runShowingOutput(host: host, arguments: arguments, prepare: prepare, body).value
    }

    /// `run`, with what the server printed after its port.
    static func runShowingOutput<Value: Sendable>(
        host: String = "127.0.0.1", arguments: [String] = [], prepare: (String) throws -> Void = { _ in },
        _ body: @escaping @Sendable (Pyftpdlib) throws -> Value
    ) async throws -> (value: Value, output: String) {
        try requireProgram("/usr/bin/python3")
        let folder = try TemporaryFolder(prefix: "sockworks-ftp")
        defer { folder.remove() }
        try prepare(folder.path)
        let script = "\(#filePath)".replacing("Pyftpdlib.swift", with: "Peer/ftp_server.py")
        let (value, outcome) = try await withProgram("/usr/bin/python3", [script, folder.path, host] + arguments) {
            server in
            guard let line = try await server.firstLine(), line.hasPrefix("port "), let port = UInt16(line.dropFirst(5))
            else { throw TestFailure("pyftpdlib did not say its port") }
            let peer = Pyftpdlib(port: port, root: folder.path)
            return try await onOwnThread { try body(peer) }
        }
        XCTAssertTrue(outcome.leftRunning, "pyftpdlib ended early: \(outcome.standardError)")
        return (value, outcome.standardOutput)
    }

    /// A client connected and logged in as alice (or anonymous).
    func client(
        host: String = "127.0.0.1", anonymous: Bool = false,
        options: FTPClientOptions = FTPClientOptions(timeout: .seconds(10))
    ) throws -> FTPClient {
        let client = try FTPClient.connect(host: host, port: port, options: options)
        do {
            if anonymous { try client.login() } else { try client.login(user: "alice", password: "secret") }
        } catch {
            client.quit()
            throw error
        }
        return client
    }

    func file(_ name: String) -> String { root + "/" + name }
}

/// Runs `body` with a client, quitting it afterwards whatever happens.
func using<Value>(_ client: FTPClient, _ body: (FTPClient) throws -> Value) throws -> Value {
    defer { client.quit() }
    return try body(client)
}

/// Everything `retrieve` gives, in one array.
func retrieveAll(
    _ client: FTPClient, _ path: String, type: FTPTransferType = .binary, from offset: Int64 = 0
) throws -> [UInt8] {
    var bytes: [UInt8] = []
    let count = try client.retrieve(path, type: type, from: offset) { bytes.append(contentsOf: $0) }
    XCTAssertEqual(count, Int64(bytes.count))
    return bytes
}

/// Stores `bytes`, given to the client in pieces of `pieceSize`.
@discardableResult
func storeAll(
    _ client: FTPClient, _ path: String, _ bytes: [UInt8], type: FTPTransferType = .binary, pieceSize: Int = 1000
) throws -> Int64 {
    var offset = 0
    return try client.store(path, type: type) { buffer in
        let count = min(pieceSize, buffer.count, bytes.count - offset)
        bytes[offset..<offset + count].withUnsafeBytes { buffer.copyMemory(from: $0) }
        offset += count
        return count
    }
}

/// The lines of a client's transcript, recorded from the client's thread.
final class TranscriptRecorder: Sendable {
    private let recorded = Mutex<[FTPTranscriptLine]>([])

    /// Client options that record here.
    func options(dataMode: FTPDataMode = .passive) -> FTPClientOptions {
        FTPClientOptions(timeout: .seconds(10), dataMode: dataMode, transcript: { self.record($0) })
    }

    func record(_ line: FTPTranscriptLine) { recorded.withLock { $0.append(line) } }

    var lines: [FTPTranscriptLine] { recorded.withLock { $0 } }
    var sent: [String] { lines.filter { $0.direction == .sent }.map(\.text) }
    var received: [String] { lines.filter { $0.direction == .received }.map(\.text) }
    /// The command word of each line sent.
    var commands: [String] { sent.map { $0.split(separator: " ").first.map(String.init) ?? "" } }
}
