import Glibc
import SocketCore
import Streams
import SystemPackage
import TLS
import TestSupport
import XCTest

/// What each connection to the test peer (`Peer/tls_peer.py`) gets.
enum PeerMode: String {
    case echo, notify, silent, hangup, truncate, tls11, starttls
}

/// Runs the Python TLS peer with `certificate` in `mode` while `body` runs,
/// handing it the peer's port; stops the peer afterwards.
func withPeer(
    _ mode: PeerMode, certificate: (certificate: String, key: String),
    _ body: (UInt16) async throws -> Void
) async throws {
    try requireProgram("/usr/bin/python3")
    let script = "\(#filePath)".replacing("TLSPeer.swift", with: "Peer/tls_peer.py")
    let (_, outcome) = try await withProgram(
        "/usr/bin/python3", [script, mode.rawValue, certificate.certificate, certificate.key]
    ) { peer in
        guard let line = try await peer.firstLine(), let port = UInt16(line) else {
            throw TestFailure("the TLS peer printed no port")
        }
        do {
            try await body(port)
        } catch {
            try await peer.stop()
            throw error
        }
        try await peer.stop()
    }
    XCTAssertFalse(outcome.leftRunning)
}

/// A TCP connection to 127.0.0.1:PORT.
func connectToLoopback(port: UInt16) throws -> Socket {
    let socket = try Socket(family: .ipv4, type: .stream)
    do {
        try socket.connect(to: .loopbackIPv4(port: port), timeout: .seconds(5))
    } catch {
        try? socket.close()
        throw error
    }
    return socket
}
