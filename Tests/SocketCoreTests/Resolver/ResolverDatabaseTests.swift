import Dispatch
import Glibc
import Synchronization
import XCTest

@testable import SocketCore

/// Services and protocols look-ups against /etc/services and /etc/protocols,
/// with getent as the oracle.
final class ResolverDatabaseTests: XCTestCase {
    func testServiceByNameMatchesGetent() async throws {
        for (name, transport) in [("http", TransportProtocol.tcp), ("domain", .udp), ("ssh", .tcp)] {
            let entry = try Resolver.service(named: name, transport: transport)
            let expected = try await getent("services", "\(name)/\(transport.rawValue)")?.first
            try assertEntry(entry, matches: XCTUnwrap(expected))
            XCTAssertEqual(entry.protocolName, transport.rawValue)
        }
        // No protocol: the first entry listed, whatever its protocol.
        let firstHTTP = try await getent("services", "http")?.first
        try assertEntry(Resolver.service(named: "http"), matches: XCTUnwrap(firstHTTP))
        // An alias finds its entry.
        XCTAssertEqual(try Resolver.service(named: "www", transport: .tcp).name, "http")
    }

    func testServiceByPortMatchesGetent() async throws {
        for (port, transport) in [(UInt16(80), TransportProtocol.tcp), (53, .udp), (22, .tcp)] {
            let entry = try Resolver.service(port: port, transport: transport)
            let expected = try await getent("services", "\(port)/\(transport.rawValue)")?.first
            try assertEntry(entry, matches: XCTUnwrap(expected))
            XCTAssertEqual(entry.port, port)
        }
        let firstOn80 = try await getent("services", "80")?.first
        try assertEntry(Resolver.service(port: 80), matches: XCTUnwrap(firstOn80))
    }

    func testUnknownServiceAndPort() async throws {
        XCTAssertThrowsError(try Resolver.service(named: "no-such-service", transport: .tcp)) { error in
            let error = error as! ResolverError
            XCTAssertEqual(error.code, .notFound)
            XCTAssertTrue(error.isNotFound)
            XCTAssertEqual(error.function, "getservbyname_r")
            XCTAssertEqual(error.description, "service \"no-such-service/tcp\": service not found")
        }
        XCTAssertThrowsError(try Resolver.service(named: "no-such-service")) { error in
            XCTAssertEqual("\(error)", "service \"no-such-service\": service not found")
        }
        let candidates: [UInt16] = [65_000, 49_999, 61_234, 3]
        var unused: UInt16?
        for candidate in candidates where unused == nil {
            if try await getent("services", "\(candidate)/udp") == nil { unused = candidate }
        }
        guard let port = unused else { throw XCTSkip("every candidate port has a service here") }
        XCTAssertThrowsError(try Resolver.service(port: port, transport: .udp)) { error in
            XCTAssertEqual("\(error)", "port \"\(port)/udp\": service not found")
        }
    }

    func testProtocolByNameMatchesGetent() async throws {
        for name in ["tcp", "udp", "icmp", "ipv6-icmp"] {
            let entry = try Resolver.protocolEntry(named: name)
            let expected = try await getent("protocols", name)?.first
            let line = try XCTUnwrap(expected)
            XCTAssertEqual(entry.name, line[0])
            XCTAssertEqual(String(entry.number), line[1])
            XCTAssertEqual(entry.aliases, Array(line.dropFirst(2)))
        }
        XCTAssertEqual(try Resolver.protocolEntry(named: "tcp").number, Int32(IPPROTO_TCP))
        XCTAssertEqual(try Resolver.protocolEntry(named: "udp").number, Int32(IPPROTO_UDP))
        XCTAssertThrowsError(try Resolver.protocolEntry(named: "no-such-protocol")) { error in
            XCTAssertEqual("\(error)", "protocol \"no-such-protocol\": protocol not found")
        }
    }

    func testDatabaseBuffersGrowOnERANGE() throws {
        XCTAssertEqual(
            try Resolver.service(named: "http", transport: .tcp, bufferSize: 1),
            try Resolver.service(named: "http", transport: .tcp))
        XCTAssertEqual(
            try Resolver.service(port: 80, transport: .tcp, bufferSize: 1),
            try Resolver.service(port: 80, transport: .tcp))
        XCTAssertEqual(
            try Resolver.protocolEntry(named: "tcp", bufferSize: 1),
            try Resolver.protocolEntry(named: "tcp"))
    }

    /// Many threads at once get the same answers as one thread alone; under
    /// `--sanitize=thread` this also shows no shared static buffer is used.
    func testConcurrentLookUpsAgree() throws {
        let host = try Resolver.hostEntry(named: "localhost")
        let reverse = try Resolver.hostEntry(address: .v4(IPv4Address(127, 0, 0, 1)))
        let service = try Resolver.service(named: "http", transport: .tcp)
        let port = try Resolver.service(port: 53, transport: .udp)
        let proto = try Resolver.protocolEntry(named: "udp")
        let threads = 8
        let mismatches = Atomic(0)
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            for _ in 0..<100 {
                if (try? Resolver.hostEntry(named: "localhost")) != host { mismatches.add(1, ordering: .relaxed) }
                if (try? Resolver.hostEntry(address: .v4(IPv4Address(127, 0, 0, 1)))) != reverse {
                    mismatches.add(1, ordering: .relaxed)
                }
                if (try? Resolver.service(named: "http", transport: .tcp)) != service {
                    mismatches.add(1, ordering: .relaxed)
                }
                if (try? Resolver.service(port: 53, transport: .udp)) != port { mismatches.add(1, ordering: .relaxed) }
                if (try? Resolver.protocolEntry(named: "udp")) != proto { mismatches.add(1, ordering: .relaxed) }
            }
        }
        XCTAssertEqual(mismatches.load(ordering: .relaxed), 0)
    }

    /// getent prints a service as `name port/proto aliases...`.
    private func assertEntry(
        _ entry: ServiceEntry, matches line: [String],
        file: StaticString = #filePath, line sourceLine: UInt = #line
    ) {
        XCTAssertEqual(entry.name, line[0], file: file, line: sourceLine)
        XCTAssertEqual("\(entry.port)/\(entry.protocolName)", line[1], file: file, line: sourceLine)
        XCTAssertEqual(entry.aliases, Array(line.dropFirst(2)), file: file, line: sourceLine)
    }
}
