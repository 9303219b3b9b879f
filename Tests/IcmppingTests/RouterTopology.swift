import Glibc
import TestSupport

/// Three network namespaces the test creates and removes: host A, router
/// R and host B, joined by two veth pairs, with forwarding on in R.
///
/// ```
///  A 10.201.1.2        10.201.1.1 R 10.201.2.1        10.201.2.2 B
///    fd00:201:1::2  ---  fd00:201:1::1   fd00:201:2::1  ---  fd00:201:2::2
/// ```
///
/// ICMP error rate limits are off in R (`icmp_ratelimit=0` and its IPv6
/// twin), or the router would answer only some probes and tests would
/// flake. Errors from an `unreachable` route still go through a per-peer
/// token bucket of their own (burst 5, one a second, `ip_error` in
/// net/ipv4/route.c) that the limit does not turn off: a test makes few of
/// them, on a topology of its own.
struct RouterTopology {
    let hostA: NetworkNamespace
    let router: NetworkNamespace
    let hostB: NetworkNamespace
    /// The veth names, unique to this run (at most 15 bytes, IFNAMSIZ).
    let aToRouter: String, routerToA: String, routerToB: String, bToRouter: String

    static let a4 = "10.201.1.2", routerA4 = "10.201.1.1", routerB4 = "10.201.2.1", b4 = "10.201.2.2"
    static let a6 = "fd00:201:1::2", routerA6 = "fd00:201:1::1", routerB6 = "fd00:201:2::1", b6 = "fd00:201:2::2"

    /// Builds the topology; removes whatever it made if a step fails.
    static func make(_ purpose: String) async throws -> RouterTopology {
        try requireRoot()
        await NetworkNamespace.removeLeftovers()
        var made: [NetworkNamespace] = []
        do {
            let a = try await NetworkNamespace("\(purpose)-a")
            made.append(a)
            let r = try await NetworkNamespace("\(purpose)-r")
            made.append(r)
            let b = try await NetworkNamespace("\(purpose)-b")
            made.append(b)
            let tag = String(getpid() % 1_000_000)
            let topology = RouterTopology(
                hostA: a, router: r, hostB: b, aToRouter: "a\(tag)r", routerToA: "r\(tag)a",
                routerToB: "r\(tag)b", bToRouter: "b\(tag)r")
            try await topology.wire()
            return topology
        } catch {
            for namespace in made { await namespace.remove() }
            throw error
        }
    }

    /// Runs `body` on a fresh topology and removes it afterwards, whether
    /// `body` returns or throws.
    static func with(_ purpose: String, _ body: (RouterTopology) async throws -> Void) async throws {
        let topology = try await make(purpose)
        do {
            try await body(topology)
        } catch {
            await topology.remove()
            throw error
        }
        await topology.remove()
    }

    /// Removing a namespace removes the veth ends in it, and with them
    /// their peers: nothing is left in the root namespace.
    func remove() async {
        for namespace in [hostA, router, hostB] { await namespace.remove() }
    }

    private func wire() async throws {
        // Each pair is made inside A (or R) with its peer put straight into
        // the other namespace: no name is ever taken in the root namespace.
        try await hostA.shell("ip link add \(aToRouter) type veth peer name \(routerToA) netns \(router.name)")
        try await router.shell("ip link add \(routerToB) type veth peer name \(bToRouter) netns \(hostB.name)")
        try await router.run([
            "sysctl", "-qw", "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1",
            "net.ipv4.icmp_ratelimit=0", "net.ipv6.icmp.ratelimit=0",
        ])
        try await configure(hostA, aToRouter, Self.a4, Self.a6)
        try await configure(router, routerToA, Self.routerA4, Self.routerA6)
        try await configure(router, routerToB, Self.routerB4, Self.routerB6)
        try await configure(hostB, bToRouter, Self.b4, Self.b6)
        try await hostA.shell("ip route add default via \(Self.routerA4)")
        try await hostA.shell("ip -6 route add default via \(Self.routerA6)")
        try await hostB.shell("ip route add default via \(Self.routerB4)")
        try await hostB.shell("ip -6 route add default via \(Self.routerB6)")
        // One exchange each way first: the first IPv6 packets wait for
        // neighbour discovery in R, and errors about them came late enough
        // (hundreds of ms) to change what the first run prints (`pipe 2`).
        try requireProgram("/usr/bin/ping")
        for address in [Self.b4, Self.b6] {
            let run = try await runCommand(
                "/usr/bin/ping", ["-q", "-c", "1", "-w", "5", address],
                namespace: hostA.name)
            guard run.exitCode == 0 else {
                throw TestFailure("topology: \(address) does not answer:\n\(run.standardOutput)")
            }
        }
    }

    /// Addresses on one interface, then up. Duplicate address detection is
    /// off on it: a tentative address (link-local ones included, which
    /// neighbour discovery answers from) would delay the first IPv6 replies
    /// by a second or two (RFC 4862 section 5.4).
    private func configure(_ namespace: NetworkNamespace, _ interface: String, _ v4: String, _ v6: String) async throws
    {
        try await namespace.run(["sysctl", "-qw", "net.ipv6.conf.\(interface).accept_dad=0"])
        try await namespace.shell("ip addr add \(v4)/24 dev \(interface)")
        try await namespace.shell("ip addr add \(v6)/64 dev \(interface) nodad")
        try await namespace.shell("ip link set \(interface) up")
    }
}

extension NetworkNamespace {
    /// Deletes namespaces an earlier test process of ours left behind (it
    /// was killed before it could remove them): their names end in the pid
    /// of a process that no longer exists. Live runs' namespaces stay.
    static func removeLeftovers() async {
        guard let list = try? await runCommand("/usr/sbin/ip", ["netns", "list"]) else { return }
        for line in list.standardOutput.split(separator: "\n") {
            let name = String(line.split(separator: " ").first ?? "")
            guard name.hasPrefix("icmpping-"), let pid = name.split(separator: "-").last.flatMap({ Int32($0) }),
                pid > 0, kill(pid, 0) != 0, errno == ESRCH
            else { continue }
            _ = try? await runCommand("/usr/sbin/ip", ["netns", "del", name])
        }
    }
}
