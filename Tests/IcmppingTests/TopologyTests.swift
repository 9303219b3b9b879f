import XCTest

/// icmpping from host A to host B through router R (see `RouterTopology`),
/// with the router sending real ICMP errors, compared line by line with
/// iputils ping for the same runs.
final class TopologyTests: XCTestCase {
    typealias T = RouterTopology

    func testTimeToLiveOneExpiresAtTheRouter() async throws {
        try await T.with("ttl") { net in
            try await net.hostA.run(["sysctl", "-qw", "net.ipv4.ping_group_range=0 0"])
            for kind in ["--raw", "--dgram"] {
                let v4 = try await compareWithIputils(
                    ["-c", "2", "-i", "0.2", "-t", "1", T.b4], in: net.hostA, ours: [kind])
                XCTAssertTrue(
                    v4.ours.standardOutput.contains(
                        "From \(T.routerA4) icmp_seq=1 Time to live exceeded\n"
                            + "From \(T.routerA4) icmp_seq=2 Time to live exceeded\n"), v4.ours.standardOutput)
                XCTAssertEqual(
                    SummaryCounts(v4.ours.standardOutput),
                    SummaryCounts(transmitted: 2, received: 0, errors: 2, loss: "100"))
                let v6 = try await compareWithIputils(
                    ["-c", "2", "-i", "0.2", "-t", "1", T.b6], in: net.hostA, ours: [kind])
                XCTAssertTrue(
                    v6.ours.standardOutput.contains("From \(T.routerA6) icmp_seq=1 Time exceeded: Hop limit\n"),
                    v6.ours.standardOutput)
                XCTAssertEqual(v6.ours.exitCode, 1)
            }
            // One hop more reaches B: the route itself is sound.
            let through = try await compareWithIputils(["-c", "2", "-i", "0.2", "-t", "2", T.b4], in: net.hostA)
            XCTAssertTrue(
                through.ours.standardOutput.contains("64 bytes from \(T.b4): icmp_seq=1 ttl=63 time="),
                through.ours.standardOutput)
            try await compareWithIputils(["-c", "2", "-i", "0.2", T.b6], in: net.hostA)
        }
    }

    /// What the kernel sends for a route of type `unreachable`: host
    /// unreachable for IPv4 (EHOSTUNREACH in `ip_error`), "no route" for
    /// IPv6 (`ip6_pkt_discard`); `prohibit` gives "administratively
    /// prohibited".
    ///
    /// IPv4 route errors pass a per-peer token bucket of their own
    /// (`ip_error` in net/ipv4/route.c: one a second) that
    /// `icmp_ratelimit=0` does not lift, and sending each error through
    /// `icmp_send` empties it again (its own bucket has no room with a
    /// limit of 0): after a first burst of about three, R answers one probe
    /// a second. So the IPv4 runs probe every 1.1 s, and iputils' run
    /// starts 1.1 s after ours ended.
    func testUnreachableRouteOnTheRouter() async throws {
        try await T.with("unreach") { net in
            try await net.router.shell("ip route add unreachable 10.201.3.0/24")
            try await net.router.shell("ip -6 route add unreachable fd00:201:3::/64")
            try await net.router.shell("ip -6 route add prohibit fd00:201:4::/64")
            let arguments = ["-c", "2", "-i", "1.1", "10.201.3.3"]
            let ours = try await icmpping(arguments, namespace: net.hostA.name)
            try await Task.sleep(for: .milliseconds(1100))
            let theirs = try await iputilsPing(arguments, namespace: net.hostA.name)
            XCTAssertEqual(
                masked(ours.standardOutput), masked(theirs.standardOutput),
                "icmpping:\n\(ours.standardOutput)\nping:\n\(theirs.standardOutput)")
            XCTAssertTrue(
                ours.standardOutput.contains(
                    "From \(T.routerA4) icmp_seq=1 Destination Host Unreachable\n"
                        + "From \(T.routerA4) icmp_seq=2 Destination Host Unreachable\n"), ours.standardOutput)
            XCTAssertEqual(
                SummaryCounts(ours.standardOutput),
                SummaryCounts(transmitted: 2, received: 0, errors: 2, loss: "100"))
            XCTAssertEqual(ours.exitCode, 1)
            XCTAssertEqual(theirs.exitCode, 1)
            let v6 = try await compareWithIputils(["-c", "2", "-i", "0.2", "fd00:201:3::3"], in: net.hostA)
            XCTAssertTrue(
                v6.ours.standardOutput.contains("From \(T.routerA6) icmp_seq=2 Destination unreachable: No route\n"),
                v6.ours.standardOutput)
            let prohibited = try await compareWithIputils(["-c", "1", "fd00:201:4::3"], in: net.hostA)
            XCTAssertTrue(
                prohibited.ours.standardOutput.contains(
                    "From \(T.routerA6) icmp_seq=1 Destination unreachable: Administratively prohibited\n"),
                prohibited.ours.standardOutput)
        }
    }

    /// Every `--reject-with` of iptables REJECT and ip6tables REJECT in R's
    /// FORWARD chain, with iputils' words for the error each sends.
    func testRejectVariantsOnTheRouter() async throws {
        let v4 = [
            ("icmp-net-unreachable", "Destination Net Unreachable"),
            ("icmp-host-unreachable", "Destination Host Unreachable"),
            ("icmp-port-unreachable", "Destination Port Unreachable"),
            ("icmp-proto-unreachable", "Destination Protocol Unreachable"),
            ("icmp-net-prohibited", "Destination Net Prohibited"),
            ("icmp-host-prohibited", "Destination Host Prohibited"),
            ("icmp-admin-prohibited", "Packet filtered"),
        ]
        let v6 = [
            ("icmp6-no-route", "Destination unreachable: No route"),
            ("icmp6-adm-prohibited", "Destination unreachable: Administratively prohibited"),
            ("icmp6-addr-unreachable", "Destination unreachable: Address unreachable"),
            ("icmp6-port-unreachable", "Destination unreachable: Port unreachable"),
        ]
        try await T.with("reject") { net in
            for (reject, words) in v4 {
                try await net.router.shell("iptables -F FORWARD")
                try await net.router.shell(
                    "iptables -A FORWARD -p icmp --icmp-type echo-request -j REJECT --reject-with \(reject)")
                let started = ContinuousClock.now
                let run = try await compareWithIputils(["-c", "1", T.b4], in: net.hostA)
                XCTAssertTrue(
                    run.ours.standardOutput.contains("From \(T.routerA4) icmp_seq=1 \(words)\n"),
                    "\(reject):\n\(run.ours.standardOutput)")
                // The error comes at once. No look-up of the target's name
                // may wait first: this namespace reaches no name server, and
                // R's rate-limited "net unreachable" leaves a resolver
                // waiting 5 s a try.
                XCTAssertLessThan(ContinuousClock.now - started, .seconds(4), reject)
                XCTAssertEqual(run.ours.exitCode, 1)
            }
            for (reject, words) in v6 {
                try await net.router.shell("ip6tables -F FORWARD")
                try await net.router.shell(
                    "ip6tables -A FORWARD -p icmpv6 --icmpv6-type echo-request -j REJECT --reject-with \(reject)")
                let run = try await compareWithIputils(["-c", "1", T.b6], in: net.hostA)
                XCTAssertTrue(
                    run.ours.standardOutput.contains("From \(T.routerA6) icmp_seq=1 \(words)\n"),
                    "\(reject):\n\(run.ours.standardOutput)")
            }
        }
    }

    /// A random 30 % of the echo requests dropped in R: over 400 probes the
    /// loss printed lies within 6 standard deviations of 30 % (binomial:
    /// 2.3 points), is what the transmitted and received counts printed say,
    /// and matches the router's own count of drops. Neither run can be
    /// compared line by line with the other (the drops differ); the lines
    /// with their figures masked can.
    func testRandomDropOnTheRouter() async throws {
        try await T.with("loss") { net in
            try await net.router.shell(
                "iptables -A FORWARD -p icmp --icmp-type echo-request -m statistic --mode random --probability 0.3 -j DROP"
            )
            let arguments = ["-q", "-c", "400", "-i", "0.01", "-W", "1", T.b4]
            var shapes: [[String]] = []
            for program in ["icmpping", "ping"] {
                let before = try await droppedByRouter(net)
                let run =
                    program == "icmpping"
                    ? try await icmpping(arguments, namespace: net.hostA.name)
                    : try await iputilsPing(arguments, namespace: net.hostA.name)
                let dropped = try await droppedByRouter(net) - before
                XCTAssertEqual(run.exitCode, 0, "\(program): \(run.standardError)")
                let counts = try XCTUnwrap(SummaryCounts(run.standardOutput), run.standardOutput)
                XCTAssertEqual(counts.transmitted, 400, "\(program)")
                XCTAssertEqual(counts.transmitted - counts.received, dropped, "\(program):\n\(run.standardOutput)")
                XCTAssertEqual(
                    counts.loss, NumberTextOracle.loss(Double(counts.transmitted - counts.received) * 100 / 400),
                    "\(program):\n\(run.standardOutput)")
                let percent = try XCTUnwrap(Double(counts.loss))
                XCTAssertTrue((16.0...44.0).contains(percent), "\(program): loss \(percent)%")
                // `pipe N` too: whether a reply waits in the socket while the
                // next probe goes out depends on this shared machine's load.
                shapes.append(
                    masked(run.standardOutput).map {
                        $0.replacing(/\d+ received, [0-9.]+% packet loss/, with: "M received, L% packet loss")
                            .replacing(/(, )?pipe \d+/, with: "")
                    })
            }
            XCTAssertEqual(shapes[0], shapes[1])
        }
    }

    /// The packet count of R's DROP rule.
    private func droppedByRouter(_ net: RouterTopology) async throws -> Int {
        let counters = try await net.router.output("iptables -L FORWARD -v -x -n")
        let line = try XCTUnwrap(counters.split(separator: "\n").first { $0.contains("DROP") }, counters)
        return try XCTUnwrap(line.split(separator: " ").first.flatMap { Int($0) }, counters)
    }
}
