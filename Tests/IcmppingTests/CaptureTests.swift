import Foundation
import Glibc
import TestSupport
import XCTest

/// `--capture` and `--verify` on loopback and in a namespace, as root: the
/// run agrees with the wire, the pcap file holds our packets and no one
/// else's, and tshark (an independent dissector) finds every checksum good.
final class CaptureTests: XCTestCase {
    private var temporary: TemporaryFolder?
    private var folder: String { temporary?.path ?? "" }

    override func setUpWithError() throws {
        temporary = try TemporaryFolder(prefix: "icmpping-capture", in: temporaryParent())
    }

    override func tearDown() {
        temporary?.remove()
        temporary = nil
    }

    private func assertVerified(_ run: ProcessRun, probes: Int, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(run.exitCode, 0, run.standardOutput + run.standardError, file: file, line: line)
        XCTAssertTrue(
            run.standardOutput.contains(
                "\ncapture: \(probes)/\(probes) requests and \(probes)/\(probes) replies on the wire, checksums valid;"
                    + " wire RTT avg "), run.standardOutput, file: file, line: line)
        XCTAssertTrue(
            run.standardOutput.contains(" ms, tool overhead avg "), run.standardOutput, file: file, line: line)
        // The verdict is the last line: no disagreement follows it.
        XCTAssertTrue(
            run.standardOutput.split(separator: "\n").last?.hasPrefix("capture: \(probes)/") == true,
            run.standardOutput, file: file, line: line)
    }

    /// The echoes in a pcap file as tshark dissects them: type, identifier,
    /// sequence, ICMP checksum status (1 good), IPv4 header checksum status.
    private func dissect(_ path: String, version: Int) async throws -> [[String]] {
        try requireProgram("/usr/bin/tshark")
        // ICMP and ICMPv6 checksums are always checked; the IPv4 header's
        // only when asked.
        let fields =
            version == 4
            ? [
                "-e", "icmp.type", "-e", "icmp.ident", "-e", "icmp.seq", "-e", "icmp.checksum.status",
                "-e", "ip.checksum.status",
            ]
            : [
                "-e", "icmpv6.type", "-e", "icmpv6.echo.identifier", "-e", "icmpv6.echo.sequence_number",
                "-e", "icmpv6.checksum.status",
            ]
        let run = try await runCommand(
            "/usr/bin/tshark",
            [
                "-n", "-r", path, "-o", "ip.check_checksum:TRUE",
                "-T", "fields", "-E", "occurrence=f",
            ] + fields)
        XCTAssertEqual(run.exitCode, 0, run.standardError)
        return run.standardOutput.split(separator: "\n").map {
            $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        }
    }

    /// `count` request/reply pairs, sequence 1...count, one identifier,
    /// every checksum good, nothing else.
    private func assertOnlyOurEchoes(
        _ packets: [[String]], count: Int, version: Int,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertEqual(packets.count, 2 * count, "\(packets)", file: file, line: line)
        XCTAssertEqual(Set(packets.map { $0[1] }).count, 1, "one identifier: \(packets)", file: file, line: line)
        let types = version == 4 ? ["8", "0"] : ["128", "129"]
        for (index, packet) in packets.enumerated() {
            XCTAssertEqual(packet[0], types[index % 2], "\(packet)", file: file, line: line)
            XCTAssertEqual(packet[2], "\(index / 2 + 1)", "\(packet)", file: file, line: line)
            XCTAssertEqual(
                Array(packet.dropFirst(3)), Array(repeating: "1", count: packet.count - 3),
                "checksum status: \(packet)", file: file, line: line)
        }
    }

    func testVerifyOnLoopback() async throws {
        try requireRoot()
        assertVerified(try await icmpping(["--verify", "-c", "5", "-i", "0.2", "127.0.0.1"]), probes: 5)
        assertVerified(try await icmpping(["--verify", "-c", "5", "-i", "0.2", "::1"]), probes: 5)
    }

    func testCaptureFileOpensInTsharkWithEveryChecksumGood() async throws {
        try requireRoot()
        for (target, version) in [("127.0.0.1", 4), ("::1", 6)] {
            let path = "\(folder)/run\(version).pcap"
            let run = try await icmpping(["--capture", path, "-c", "5", "-i", "0.1", target])
            assertVerified(run, probes: 5)
            assertOnlyOurEchoes(try await dissect(path, version: version), count: 5, version: version)
        }
    }

    func testAnotherPingerOnLoopbackIsNotCaptured() async throws {
        try requireRoot()
        let path = "\(folder)/shared.pcap"
        // iputils ping sends 100 probes over about a second while ours runs.
        async let other = iputilsPing(["-q", "-c", "100", "-i", "0.01", "127.0.0.1"])
        usleep(100_000)
        let ours = try await icmpping(["--capture", path, "-c", "5", "-i", "0.1", "127.0.0.1"])
        let theirs = try await other
        XCTAssertEqual(theirs.exitCode, 0, theirs.standardOutput + theirs.standardError)
        assertVerified(ours, probes: 5)
        assertOnlyOurEchoes(try await dissect(path, version: 4), count: 5, version: 4)
    }

    func testDatagramSocketInANamespaceVerifies() async throws {
        let namespace = try await NetworkNamespace("capture")
        do {
            try await namespace.run(["sysctl", "-qw", "net.ipv4.ping_group_range=0 0"])
            let path = "\(folder)/dgram.pcap"
            let run = try await icmpping(
                ["--dgram", "--verify", "--capture", path, "-c", "3", "-i", "0.2", "127.0.0.1"],
                namespace: namespace.name)
            assertVerified(run, probes: 3)
            // The identifier on the wire is the one the kernel gave the socket.
            assertOnlyOurEchoes(try await dissect(path, version: 4), count: 3, version: 4)
            assertVerified(
                try await icmpping(
                    ["--dgram", "--verify", "-c", "3", "-i", "0.2", "::1"],
                    namespace: namespace.name), probes: 3)
            // A ping socket per host, each with the identifier its kernel gave it.
            let hosts = ["127.0.0.1", "127.0.0.1", "::1"]
            assertEveryHostVerified(
                try await icmpping(
                    ["--dgram", "--verify", "-c", "3", "-i", "0.2"] + hosts,
                    namespace: namespace.name), hosts: hosts, probes: 3)
        } catch {
            await namespace.remove()
            throw error
        }
        await namespace.remove()
    }

    /// A veth link between two namespaces: the capture is on the interface
    /// the route takes (Ethernet framing, not loopback), for a global
    /// address and for a link-local one with its scope.
    func testVerifyOverAVethLinkBetweenNamespaces() async throws {
        let near = try await NetworkNamespace("near")
        let far: NetworkNamespace
        do { far = try await NetworkNamespace("far") } catch {
            await near.remove()
            throw error
        }
        do {
            try await near.shell("ip link add cap0 type veth peer name cap1 netns \(far.name)")
            try await near.shell("ip addr add 2001:db8::a/64 dev cap0 nodad")
            try await near.shell("ip addr add fe80::a/64 dev cap0 nodad")
            try await far.shell("ip addr add 2001:db8::b/64 dev cap1 nodad")
            try await far.shell("ip addr add fe80::b/64 dev cap1 nodad")
            try await near.shell("ip link set cap0 up")
            try await far.shell("ip link set cap1 up")
            // The link is up once a probe is answered (bounded by -w).
            let ready = try await icmpping(["-c", "1", "-w", "5", "2001:db8::b"], namespace: near.name)
            XCTAssertEqual(ready.exitCode, 0, ready.standardOutput + ready.standardError)
            for target in ["2001:db8::b", "fe80::b%cap0"] {
                let path = "\(folder)/veth.pcap"
                let run = try await icmpping(
                    ["--verify", "--capture", path, "-c", "3", "-i", "0.2", target],
                    namespace: near.name)
                assertVerified(run, probes: 3)
                assertOnlyOurEchoes(try await dissect(path, version: 6), count: 3, version: 6)
            }
        } catch {
            await near.remove()
            await far.remove()
            throw error
        }
        await near.remove()
        await far.remove()
    }

    func testNoPrivilegeToCaptureIsOneLine() async throws {
        try requireProgram("/usr/bin/setpriv")
        let namespace = try await NetworkNamespace("nocap")
        do {
            // Anyone may open a ping socket here, but not capture.
            try await namespace.run(["sysctl", "-qw", "net.ipv4.ping_group_range=0 2147483647"])
            let executable = try icmppingExecutable()
            let nobody = ["--reuid=65534", "--regid=65534", "--clear-groups"]
            let reachable = try await runCommand("/usr/bin/setpriv", nobody + ["/usr/bin/test", "-x", executable])
            guard reachable.exitCode == 0 else {
                await namespace.remove()
                throw XCTSkip("\(executable) is not executable by an unprivileged user")
            }
            let run = try await runCommand(
                "/usr/bin/setpriv",
                nobody + [
                    executable, "--dgram", "--verify", "-c", "1",
                    "127.0.0.1",
                ], namespace: namespace.name)
            XCTAssertEqual(run.exitCode, 2, run.standardOutput + run.standardError)
            XCTAssertEqual(run.standardOutput, "")
            XCTAssertTrue(
                run.standardError.hasPrefix(
                    "icmpping: capture on lo: permission denied: capturing needs root or CAP_NET_RAW"),
                run.standardError)
            XCTAssertEqual(run.standardError.filter { $0 == "\n" }.count, 1, run.standardError)
        } catch {
            await namespace.remove()
            throw error
        }
        await namespace.remove()
    }

    func testCaptureFileThatCannotBeWrittenIsOneLine() async throws {
        try requireRoot()
        let run = try await icmpping(["--capture", "\(folder)/missing/run.pcap", "-c", "1", "127.0.0.1"])
        XCTAssertEqual(run.exitCode, 2)
        XCTAssertEqual(run.standardOutput, "")
        XCTAssertEqual(
            run.standardError,
            "icmpping: cannot write the capture: \(folder)/missing/run.pcap: No such file or directory\n")
    }

    func testJSONCarriesTheVerdictBeforeTheEnd() async throws {
        try requireRoot()
        let run = try await icmpping(["--json", "--verify", "-c", "2", "-i", "0.2", "127.0.0.1"])
        XCTAssertEqual(run.exitCode, 0, run.standardOutput + run.standardError)
        let objects = try run.standardOutput.split(separator: "\n").map { text in
            try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], String(text))
        }
        XCTAssertEqual(objects.map { $0["type"] as? String }, ["start", "reply", "reply", "summary", "capture", "end"])
        let capture = objects[4]
        XCTAssertEqual(capture["requests_on_wire"] as? Int, 2)
        XCTAssertEqual(capture["replies_on_wire"] as? Int, 2)
        XCTAssertEqual(capture["agrees"] as? Bool, true)
        XCTAssertEqual(capture["disagreements"] as? [String], [])
        XCTAssertNotNil(capture["wire_rtt_avg_ms"] as? Double)
    }

    /// With several hosts each host's verdict is a line of its own, in
    /// the hosts' order, ending with the host it is about; every one agrees.
    private func assertEveryHostVerified(
        _ run: ProcessRun, hosts: [String], probes: Int,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertEqual(run.exitCode, 0, run.standardOutput + run.standardError, file: file, line: line)
        let captures = run.standardOutput.split(separator: "\n").filter { $0.hasPrefix("capture: ") }
        XCTAssertEqual(captures.count, hosts.count, run.standardOutput, file: file, line: line)
        for (capture, host) in zip(captures, hosts) {
            XCTAssertTrue(
                capture.hasPrefix(
                    "capture: \(probes)/\(probes) requests and \(probes)/\(probes) replies"
                        + " on the wire, checksums valid; wire RTT avg "), String(capture), file: file, line: line)
            XCTAssertTrue(capture.hasSuffix(" (to \(host))"), String(capture), file: file, line: line)
        }
        // The verdicts are the last lines of standard output.
        XCTAssertEqual(run.standardOutput.split(separator: "\n").suffix(hosts.count), captures, file: file, line: line)
    }

    func testVerifySeveralHostsOnLoopback() async throws {
        try requireRoot()
        let hosts = ["127.0.0.1", "127.0.0.2", "::1"]
        assertEveryHostVerified(
            try await icmpping(["--verify", "-c", "3", "-i", "0.2"] + hosts), hosts: hosts,
            probes: 3)
    }

    func testJSONCarriesOneVerdictPerHost() async throws {
        try requireRoot()
        let run = try await icmpping(["--json", "-q", "--verify", "-c", "2", "-i", "0.2", "127.0.0.1", "::1"])
        XCTAssertEqual(run.exitCode, 0, run.standardOutput + run.standardError)
        let objects = try run.standardOutput.split(separator: "\n").map { text in
            try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], String(text))
        }
        XCTAssertEqual(
            objects.map { $0["type"] as? String },
            [
                "start", "start", "summary", "summary", "capture",
                "capture", "end",
            ])
        for (capture, host) in zip(objects[4...5], ["127.0.0.1", "::1"]) {
            XCTAssertEqual(capture["host"] as? String, host)
            XCTAssertEqual(capture["address"] as? String, host)
            XCTAssertEqual(capture["requests_on_wire"] as? Int, 2)
            XCTAssertEqual(capture["replies_on_wire"] as? Int, 2)
            XCTAssertEqual(capture["agrees"] as? Bool, true)
        }
    }

    /// Two runs to one address: each has its identifier, so each verdict
    /// holds its own probes only (3, not 6).
    func testVerifyTheSameHostTwice() async throws {
        try requireRoot()
        let hosts = ["127.0.0.1", "127.0.0.1"]
        assertEveryHostVerified(
            try await icmpping(["--verify", "-c", "3", "-i", "0.2"] + hosts), hosts: hosts,
            probes: 3)
        let six = ["::1", "::1"]
        assertEveryHostVerified(try await icmpping(["--verify", "-c", "3", "-i", "0.2"] + six), hosts: six, probes: 3)
    }

    /// One file for every host: per identifier, three requests to its host
    /// and three replies, sequence 1...3, every checksum good (tshark).
    func testCaptureFileHoldsEveryHostsPackets() async throws {
        try requireRoot()
        try requireProgram("/usr/bin/tshark")
        let path = "\(folder)/hosts.pcap"
        let hosts = ["127.0.0.1", "127.0.0.2", "::1", "127.0.0.1"]
        assertEveryHostVerified(
            try await icmpping(["--capture", path, "-c", "3", "-i", "0.2"] + hosts), hosts: hosts,
            probes: 3)
        let fields = [
            "ip.dst", "ipv6.dst", "icmp.type", "icmp.ident", "icmp.seq", "icmp.checksum.status",
            "ip.checksum.status", "icmpv6.type", "icmpv6.echo.identifier", "icmpv6.echo.sequence_number",
            "icmpv6.checksum.status",
        ]
        let run = try await runCommand(
            "/usr/bin/tshark",
            [
                "-n", "-r", path, "-o", "ip.check_checksum:TRUE",
                "-T", "fields", "-E", "occurrence=f",
            ]
                + fields.flatMap { ["-e", $0] })
        XCTAssertEqual(run.exitCode, 0, run.standardError)
        let packets = run.standardOutput.split(separator: "\n").map {
            $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        }
        XCTAssertEqual(packets.count, 2 * 3 * hosts.count, run.standardOutput)
        // (version, identifier) -> [(request, sequence, destination)]
        var byHost: [String: [(Bool, String, String)]] = [:]
        for packet in packets where packet.count == fields.count {
            let v4 = !packet[2].isEmpty
            let key = v4 ? "4/\(packet[3])" : "6/\(packet[8])"
            let request = v4 ? packet[2] == "8" : packet[7] == "128"
            let good = v4 ? [packet[5], packet[6]] : [packet[10]]
            XCTAssertEqual(good, Array(repeating: "1", count: good.count), "checksum status: \(packet)")
            byHost[key, default: []].append((request, v4 ? packet[4] : packet[9], v4 ? packet[0] : packet[1]))
        }
        XCTAssertEqual(byHost.count, hosts.count, run.standardOutput)
        var requestedHosts: [String] = []
        for (key, echoes) in byHost {
            XCTAssertEqual(echoes.filter(\.0).map(\.1), ["1", "2", "3"], key)
            XCTAssertEqual(echoes.filter { !$0.0 }.map(\.1), ["1", "2", "3"], key)
            let destinations = Set(echoes.filter(\.0).map(\.2))
            XCTAssertEqual(destinations.count, 1, key)
            requestedHosts += destinations
        }
        XCTAssertEqual(requestedHosts.sorted(), hosts.sorted())
    }

    /// Hosts behind different interfaces (loopback and a veth link in a
    /// namespace of the test's own) are refused in one line, before any
    /// probe goes out.
    func testHostsOnDifferentInterfacesAreRefused() async throws {
        let namespace = try await NetworkNamespace("capif")
        do {
            try await namespace.shell("ip link add capv0 type veth peer name capv1")
            try await namespace.shell("ip addr add 10.77.0.1/24 dev capv0")
            try await namespace.shell("ip link set capv0 up")
            try await namespace.shell("ip link set capv1 up")
            let run = try await icmpping(["--verify", "-c", "1", "127.0.0.1", "10.77.0.2"], namespace: namespace.name)
            XCTAssertEqual(run.exitCode, 2, run.standardOutput + run.standardError)
            XCTAssertEqual(run.standardOutput, "")
            XCTAssertEqual(
                run.standardError,
                "icmpping: --capture and --verify capture on one interface:"
                    + " 127.0.0.1 is reached over lo, 10.77.0.2 over capv0\n")
        } catch {
            await namespace.remove()
            throw error
        }
        await namespace.remove()
    }

    func testHelpShowsCaptureAndVerify() async throws {
        let run = try await icmpping(["--help"])
        XCTAssertTrue(run.standardOutput.contains("--capture FILE"), run.standardOutput)
        XCTAssertTrue(run.standardOutput.contains("--verify"), run.standardOutput)
    }
}

/// `$TMPDIR` without a trailing slash, or `/tmp`.
private func temporaryParent() -> String {
    guard let value = getenv("TMPDIR"), value.pointee != 0 else { return "/tmp" }
    let text = String(cString: value)
    return text.hasSuffix("/") ? String(text.dropLast()) : text
}
