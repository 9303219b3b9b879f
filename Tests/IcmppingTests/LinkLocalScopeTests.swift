import Glibc
import TestSupport
import XCTest

/// IPv6 link-local targets with a scope (`fe80::b%eth1`, `-I eth1`):
/// host P has two links, each to a namespace answering as fe80::b, one
/// with hop limit 64 and one with 33. Only a scope that reaches the socket
/// address picks the right link; without it the kernel picks one of the
/// two fe80::/64 routes for both.
final class LinkLocalScopeTests: XCTestCase {
    private func withTwoLinks(_ body: (NetworkNamespace, _ first: String, _ second: String) async throws -> Void)
        async throws
    {
        await NetworkNamespace.removeLeftovers()
        var made: [NetworkNamespace] = []
        do {
            let host = try await NetworkNamespace("scope-p")
            made.append(host)
            let links = ["s1x\(getpid())", "s2x\(getpid())"]
            for (index, link) in links.enumerated() {
                let peer = try await NetworkNamespace("scope-q\(index + 1)")
                made.append(peer)
                try await host.shell("ip link add \(link) type veth peer name \(link)q netns \(peer.name)")
                // No duplicate address detection: a tentative address
                // neither answers nor sends for a second or two.
                for (namespace, interface, address) in [(host, link, "fe80::a"), (peer, "\(link)q", "fe80::b")] {
                    try await namespace.run(["sysctl", "-qw", "net.ipv6.conf.\(interface).accept_dad=0"])
                    try await namespace.shell("ip addr add \(address)/64 dev \(interface) nodad")
                    try await namespace.shell("ip link set \(interface) up")
                }
                try await peer.run(["sysctl", "-qw", "net.ipv6.conf.\(link)q.hop_limit=\(index == 0 ? 64 : 33)"])
            }
            try await host.shell("ip addr add fe80::1/64 dev lo nodad")
            // Neighbour discovery first: a reply held up by it comes after
            // the next probe went out and changes the first run's summary.
            try requireProgram("/usr/bin/ping")
            for link in links {
                let warm = try await runCommand(
                    "/usr/bin/ping", ["-q", "-c", "1", "-w", "5", "fe80::b%\(link)"],
                    namespace: host.name)
                guard warm.exitCode == 0 else {
                    throw TestFailure("fe80::b%\(link) does not answer: \(warm.standardOutput)")
                }
            }
            try await body(host, links[0], links[1])
        } catch {
            for namespace in made { await namespace.remove() }
            throw error
        }
        for namespace in made { await namespace.remove() }
    }

    func testScopeInTheTargetPicksTheLink() async throws {
        try await withTwoLinks { host, first, second in
            try await host.run(["sysctl", "-qw", "net.ipv4.ping_group_range=0 0"])
            for (link, hops) in [(first, 64), (second, 33), (first, 64)] {
                for kind in ["--raw", "--dgram"] {
                    let run = try await compareWithIputils(
                        ["-c", "2", "-i", "0.2", "fe80::b%\(link)"], in: host, ours: [kind])
                    XCTAssertTrue(
                        run.ours.standardOutput.hasPrefix(
                            "PING fe80::b%\(link)(fe80::b%\(link)) 56 data bytes\n"
                                + "64 bytes from fe80::b%\(link): icmp_seq=1 ttl=\(hops) time="),
                        run.ours.standardOutput)
                }
            }
            // A numeric scope: the interface index.
            let index = try await interfaceIndex(second, in: host)
            let run = try await compareWithIputils(["-c", "1", "fe80::b%\(index)"], in: host)
            XCTAssertTrue(
                run.ours.standardOutput.contains("64 bytes from fe80::b%\(second): icmp_seq=1 ttl=33 "),
                run.ours.standardOutput)
            let local = try await compareWithIputils(["-c", "1", "fe80::1%lo"], in: host)
            XCTAssertTrue(
                local.ours.standardOutput.contains("64 bytes from fe80::1%lo: icmp_seq=1 ttl=64 "),
                local.ours.standardOutput)
        }
    }

    /// `-I IFACE` scopes a link-local target typed without one. iputils'
    /// header shows `from ::` and warns on standard error: it connects its
    /// probe socket for a link-local first hop with no family set, which
    /// connects it nowhere. Ours shows the source the kernel picks.
    func testInterfaceOptionScopesTheTarget() async throws {
        try await withTwoLinks { host, first, second in
            for (link, hops) in [(second, 33), (first, 64)] {
                let run = try await compareWithIputils(
                    ["-c", "2", "-i", "0.2", "-I", link, "fe80::b"], in: host,
                    rewriting: { $0.hasPrefix("PING ") ? $0.replacing(#/ from \S+ /#, with: " from S ") : $0 })
                // The source is one of the link's own link-local addresses.
                XCTAssertNotNil(
                    run.ours.standardOutput.prefixMatch(of: #/PING fe80::b\(fe80::b\) from fe80::[0-9a-f:]+ /#),
                    run.ours.standardOutput)
                XCTAssertTrue(
                    run.ours.standardOutput.contains(
                        " \(link): 56 data bytes\n"
                            + "64 bytes from fe80::b%\(link): icmp_seq=1 ttl=\(hops) time="), run.ours.standardOutput)
            }
        }
    }

    func testUnknownScopeIsOneLineAndStatusTwo() async throws {
        try await withTwoLinks { host, _, _ in
            let run = try await icmpping(["-c", "1", "fe80::b%nosuch0"], namespace: host.name)
            XCTAssertEqual(run.exitCode, 2)
            XCTAssertEqual(run.standardError, "icmpping: fe80::b%nosuch0: Name or service not known\n")
            XCTAssertEqual(run.standardOutput, "")
        }
    }

    private func interfaceIndex(_ name: String, in namespace: NetworkNamespace) async throws -> Int {
        let text = try await namespace.output("ip -o link show dev \(name)")
        return try XCTUnwrap(text.split(separator: ":").first.flatMap { Int($0) }, text)
    }
}
