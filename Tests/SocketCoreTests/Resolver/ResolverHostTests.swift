import Glibc
import XCTest

@testable import SocketCore

/// Host look-ups against names the machine resolves locally (/etc/hosts), with
/// getent as the oracle, and `.invalid` names (RFC 6761 section 6.4: never exist).
final class ResolverHostTests: XCTestCase {
    private let missing = "no-such-host.invalid"

    func testHostNameIsTheKernelNodeName() throws {
        var names = utsname()
        XCTAssertEqual(uname(&names), 0)
        let nodeName = withUnsafeBytes(of: &names.nodename) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        XCTAssertEqual(try Resolver.hostName(), nodeName)
    }

    func testAddressOfLocalhostIsGetaddrinfosFirstIPv4() async throws {
        let first = try await getent("ahostsv4", "localhost")?.first?.first
        let expected = try XCTUnwrap(first)
        XCTAssertEqual(try Resolver.address(ofHost: "localhost").description, expected)
        XCTAssertEqual(try Resolver.address(ofHost: "127.0.0.1"), IPv4Address(127, 0, 0, 1))
    }

    func testHostEntryOfLocalhostMatchesGetent() async throws {
        try await assertHostEntryMatchesGetent("localhost")
    }

    func testHostEntryOfOwnHostName() async throws {
        let name = try Resolver.hostName()
        guard try await getent("ahostsv4", name) != nil else {
            throw XCTSkip("\(name) has no IPv4 address in this machine's databases")
        }
        try await assertHostEntryMatchesGetent(name)
    }

    func testHostEntryOfIPv4Loopback() async throws {
        let entry = try Resolver.hostEntry(address: .v4(IPv4Address(127, 0, 0, 1)))
        let expected = try await getent("hosts", "127.0.0.1")?.first
        let line = try XCTUnwrap(expected)
        XCTAssertEqual(entry.name, line[1])
        XCTAssertEqual(entry.aliases, Array(line.dropFirst(2)))
        XCTAssertEqual(entry.addresses, [.v4(IPv4Address(127, 0, 0, 1))])
    }

    /// ::1 is in /etc/hosts on most machines but not all (this one has no IPv6
    /// line): whichever it is, Resolver must agree with getent.
    func testHostEntryOfIPv6LoopbackAgreesWithGetent() async throws {
        let expected = try await getent("hosts", "::1")?.first
        do {
            let entry = try Resolver.hostEntry(address: .v6(.loopback))
            let line = try XCTUnwrap(expected, "getent finds no ::1 but Resolver found \(entry)")
            XCTAssertEqual(entry.name, line[1])
            XCTAssertEqual(entry.aliases, Array(line.dropFirst(2)))
            XCTAssertEqual(entry.addresses, [.v6(.loopback)])
        } catch let error as ResolverError {
            XCTAssertNil(expected, "getent finds ::1 but Resolver failed: \(error)")
            XCTAssertEqual(error.lookup, .address)
            XCTAssertEqual(error.function, "gethostbyaddr_r")
            XCTAssertEqual(error.subject, "::1")
            XCTAssertEqual(error.description, "addr \"::1\": \(error.message)")
        }
    }

    func testFullyQualifiedDomainNameFollowsPythonsRules() async throws {
        let localhost = try await expectedFQDN("localhost")
        XCTAssertEqual(try Resolver.fullyQualifiedDomainName("localhost"), localhost)
        XCTAssertEqual(try Resolver.fullyQualifiedDomainName("  localhost\n"), localhost)
        let own = try await expectedFQDN(Resolver.hostName())
        XCTAssertEqual(try Resolver.fullyQualifiedDomainName(), own)
        XCTAssertEqual(try Resolver.fullyQualifiedDomainName("0.0.0.0"), own)
        // A name that cannot be looked up comes back as given.
        XCTAssertEqual(try Resolver.fullyQualifiedDomainName(missing), missing)
    }

    func testUnknownHostFailsFastWithTheResolversMessage() throws {
        let start = ContinuousClock.now
        do {
            _ = try Resolver.address(ofHost: missing)
            XCTFail("\(missing) resolved")
        } catch {
            XCTAssertEqual(error.lookup, .host)
            XCTAssertEqual(error.function, "getaddrinfo")
            XCTAssertEqual(error.subject, missing)
            // EAI_NONAME where DNS answers NXDOMAIN; EAI_AGAIN where no server answers.
            XCTAssertTrue(error.isNotFound || error.code == .addressInfo(EAI_AGAIN), "\(error.code)")
            if case .addressInfo(let code) = error.code {
                XCTAssertEqual(error.message, String(cString: gai_strerror(code)))
            }
            XCTAssertEqual(error.description, "host \"\(missing)\": \(error.message)")
        }
        do {
            _ = try Resolver.hostEntry(named: missing)
            XCTFail("\(missing) resolved")
        } catch {
            XCTAssertEqual(error.lookup, .hostExtended)
            XCTAssertEqual(error.function, "gethostbyname2_r")
            if case .hostDatabase(let code) = error.code {
                XCTAssertEqual(error.message, String(cString: hstrerror(code)))
            }
            XCTAssertTrue(error.description.hasPrefix("host-ex \"\(missing)\": "), error.description)
        }
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(10), "a .invalid look-up must fail fast")
    }

    func testEmbeddedNULIsRefusedNotTruncated() {
        XCTAssertThrowsError(try Resolver.address(ofHost: "localhost\0.invalid")) { error in
            XCTAssertEqual((error as? ResolverError)?.code, .system(EINVAL))
            XCTAssertEqual((error as? ResolverError)?.description, "host \"localhost\\0.invalid\": Invalid argument")
        }
    }

    func testHostEntryBufferGrowsOnERANGE() throws {
        // A one-byte buffer is too small for any entry: glibc says ERANGE...
        var host = hostent()
        var found: UnsafeMutablePointer<hostent>?
        var hostError: Int32 = 0
        var tiny: [CChar] = [0]
        XCTAssertEqual(gethostbyname2_r("localhost", AF_INET, &host, &tiny, 1, &found, &hostError), ERANGE)
        // ...and the Resolver grows the buffer until the entry fits.
        XCTAssertEqual(
            try Resolver.hostEntry(named: "localhost", bufferSize: 1),
            try Resolver.hostEntry(named: "localhost"))
        let loopback = IPAddress.v4(IPv4Address(127, 0, 0, 1))
        XCTAssertEqual(
            try Resolver.hostEntry(address: loopback, lookup: .address, bufferSize: 1),
            try Resolver.hostEntry(address: loopback))
    }

    // MARK: - Oracles

    private func assertHostEntryMatchesGetent(
        _ name: String, file: StaticString = #filePath,
        line: UInt = #line
    ) async throws {
        let entry = try Resolver.hostEntry(named: name)
        // ahostsv4 prints getaddrinfo's IPv4 answers, the canonical name on the first line.
        let found = try await getent("ahostsv4", name)
        let answers = try XCTUnwrap(found, file: file, line: line)
        XCTAssertEqual(Set(entry.addresses.map(\.description)), Set(answers.map { $0[0] }), file: file, line: line)
        XCTAssertEqual(entry.name, answers.first?.dropFirst(2).first, file: file, line: line)
        XCTAssertTrue(entry.addresses.allSatisfy { if case .v4 = $0 { true } else { false } }, file: file, line: line)
        // `getent hosts` prints the entry with its aliases (the IPv6 one first, when there is one).
        if let hostsLine = try await getent("hosts", name)?.first, IPv4Address(hostsLine[0]) != nil {
            XCTAssertEqual(entry.aliases, Array(hostsLine.dropFirst(2)), file: file, line: line)
        }
    }

    /// Python's getfqdn, computed from getent: resolve the name, look the first
    /// address up, take the first dotted name of canonical name and aliases.
    private func expectedFQDN(_ name: String) async throws -> String {
        guard let address = try await getent("ahosts", name)?.first?.first,
            let names = try await getent("hosts", address)?.first?.dropFirst()
        else { return name }
        return names.first { $0.contains(".") } ?? names.first ?? name
    }
}
