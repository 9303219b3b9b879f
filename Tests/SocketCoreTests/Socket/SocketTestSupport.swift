import Foundation
import Glibc
import SocketCore
import Synchronization
import XCTest

/// Runs `body` on a thread of its own (blocking socket calls must not sit on
/// the Swift concurrency pool, which has one thread per core here).
final class BackgroundThread<Value: Sendable>: Sendable {
    private let outcome = Mutex<Result<Value, any Error>?>(nil)
    private let finished = DispatchSemaphore(value: 0)

    init(_ body: @escaping @Sendable () throws -> Value) {
        let thread = Thread { [self] in
            let result = Result { try body() }
            self.outcome.withLock { $0 = result }
            self.finished.signal()
        }
        thread.start()
    }

    /// The thread's result; fails the test instead of hanging for ever.
    func value(timeout: Duration = .seconds(20)) throws -> Value {
        let (seconds, _) = timeout.components
        guard finished.wait(timeout: .now() + .seconds(Int(seconds))) == .success else {
            throw SocketTestFailure("background thread still running after \(timeout)")
        }
        return try outcome.withLock { $0! }.get()
    }
}

struct SocketTestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A fresh directory under /tmp for UNIX socket paths (short: sun_path holds
/// 107 bytes), removed with everything in it.
final class TemporaryDirectory {
    let path: String

    init() throws {
        var template = Array("/tmp/sockcore-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw SocketTestFailure("mkdtemp: errno \(errno)") }
        path = String(cString: made)
    }

    func file(_ name: String) -> String { "\(path)/\(name)" }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// How many descriptors this process has open.
func openDescriptorCount() throws -> Int {
    try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count
}

/// Whether `path` exists and is a socket file (lstat).
func isSocketFile(_ path: String) -> Bool {
    var status = stat()
    return lstat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFSOCK
}

func fileExists(_ path: String) -> Bool {
    var status = stat()
    return lstat(path, &status) == 0
}

extension IOResult {
    /// The value; fails the test when the call would have blocked.
    func get(file: StaticString = #filePath, line: UInt = #line) throws -> Value {
        guard let value else {
            XCTFail("unexpected would-block", file: file, line: line)
            throw SocketTestFailure("would block")
        }
        return value
    }
}

/// A TCP listener on 127.0.0.1 (or ::1) with a port the kernel picked.
func loopbackListener(_ family: SocketFamily = .ipv4, backlog: Int32 = 16) throws -> (Socket, SocketAddress) {
    let listener = try Socket(family: family, type: .stream)
    try listener.setOption(.reuseAddress, to: true)
    try listener.bind(to: family == .ipv4 ? .loopbackIPv4(port: 0) : .loopbackIPv6(port: 0))
    try listener.listen(backlog: backlog)
    return (listener, try listener.localAddress)
}

/// Reads until end-of-file.
func receiveAll(_ socket: Socket, chunk: Int = 65536) throws -> [UInt8] {
    var all: [UInt8] = []
    while true {
        let bytes = try socket.receive(maxCount: chunk).get()
        if bytes.isEmpty { return all }
        all += bytes
    }
}

/// Bytes that differ at every offset within a period of 251 (a prime), so a
/// lost or repeated chunk shows.
func pattern(count: Int) -> [UInt8] {
    let period = (0..<251).map { UInt8($0) }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(count + period.count)
    while bytes.count < count { bytes += period }
    return Array(bytes.prefix(count))
}
