import Glibc

/// A loopback TCP port nobody listens on right now. Another process may take
/// it before the test uses it: callers that listen on it retry on collision.
public func unusedTCPPort() throws -> UInt16 {
    let probe = try TestSocket(type: Int32(SOCK_STREAM.rawValue))
    defer { probe.close() }
    return try probe.bind()
}

/// A loopback UDP port nobody has bound right now.
public func unusedUDPPort() throws -> UInt16 {
    let probe = try TestSocket(type: Int32(SOCK_DGRAM.rawValue))
    defer { probe.close() }
    return try probe.bind()
}

/// Waits until 127.0.0.1:PORT accepts TCP connections; false after `timeout`.
public func waitUntilListening(port: UInt16, timeout: Duration = .seconds(5)) async throws -> Bool {
    try await waitUntil(timeout: timeout) {
        let probe = try TestSocket(type: Int32(SOCK_STREAM.rawValue))
        defer { probe.close() }
        return probe.connect(port: port) == 0
    }
}

/// Waits until PATH exists as a socket file; false after `timeout`.
public func waitUntilSocketFile(_ path: String, timeout: Duration = .seconds(5)) async throws -> Bool {
    try await waitUntil(timeout: timeout) { isSocketFile(path) }
}

/// Waits until someone has bound 127.0.0.1:PORT/udp (our own bind then
/// fails with EADDRINUSE); false after `timeout`.
public func waitUntilUDPPortTaken(_ port: UInt16, timeout: Duration = .seconds(5)) async throws -> Bool {
    try await waitUntil(timeout: timeout) {
        let probe = try TestSocket(type: Int32(SOCK_DGRAM.rawValue))
        defer { probe.close() }
        do {
            try probe.bind(port: port)
            return false
        } catch let error as TestSocketError where error.code == EADDRINUSE {
            return true
        }
    }
}
