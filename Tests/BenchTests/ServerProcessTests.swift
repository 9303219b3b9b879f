import Glibc
import SocketCore
import XCTest

@testable import Bench

final class ServerProcessTests: XCTestCase {
    /// The repository's root, from this file's path.
    static var root: String {
        var path = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        path.removeLast(3)  // Tests/BenchTests/ServerProcessTests.swift
        return path.joined(separator: "/")
    }

    /// The asyncio peer starts pinned to CPU 0, echoes, and is gone after.
    func testStartsAPinnedServerEchoesAndStopsIt() async throws {
        let target = EchoTarget(
            name: "asyncio", isPeer: true,
            command: ["python3", Self.root + "/Benchmarks/Peers/asyncio-echo.py"])
        let pid = try await withServer(target, cpu: 0) { server in
            let status = ProcFiles.read("/proc/\(server.pid)/status") ?? ""
            XCTAssertTrue(status.contains("Cpus_allowed_list:\t0\n"), "pinned: \(status)")
            let client = try Socket(family: .ipv4, type: .stream)
            defer { try? client.close() }
            try client.connect(to: .loopbackIPv4(port: server.port), timeout: .seconds(5))
            try client.setOption(.receiveTimeout, to: .seconds(5))
            try client.sendAll(Array("ping".utf8))
            XCTAssertEqual(try client.receive(maxCount: 16).value, Array("ping".utf8))
            return server.pid
        }
        XCTAssertNil(ProcFiles.read("/proc/\(pid)/stat"), "the server is gone")
    }

    func testAServerThatPrintsNoAddressIsAnError() async throws {
        let target = EchoTarget(name: "mute", isPeer: true, command: ["sh", "-c", "echo starting; exec sleep 30"])
        do {
            _ = try await withServer(target, cpu: nil) { _ in 1 }
            XCTFail("no error")
        } catch let error as ServerProcessError {
            XCTAssertTrue("\(error)".contains("starting"), "\(error)")
        }
    }
}
