import Glibc
import TestSupport
import Testing

/// `sockworks serve udpping`: the lab's server, from outside.
@Suite struct ServeUDPPingTests {
    /// Upper-cased, to its sender, never longer than what came; bytes that
    /// are not lower-case letters unchanged.
    @Test(arguments: [[], ["--batch"], ["--batch", "--workers", "2"]])
    func repliesUpperCasedWithTheSameBytes(receiving: [String]) async throws {
        let (_, outcome) = try await withLabServer("udpping", ["--loss", "0"] + receiving) { _, port in
            let client = try UDPTestClient(port: port)
            client.send("Ping 1 1764612345.123456 hello, world")
            #expect(
                client.receive(within: 2000).map { String(decoding: $0, as: UTF8.self) }
                    == "PING 1 1764612345.123456 HELLO, WORLD")
            let binary: [UInt8] = [0, 0x61, 0xFF, 0x7A, 0x0A, 0xE9]
            client.send(binary)
            #expect(client.receive(within: 2000) == [0, 0x41, 0xFF, 0x5A, 0x0A, 0xE9])
            client.send([])
            #expect(client.receive(within: 2000) == [], "an empty datagram gets an empty one")
        }
        #expect(outcome.exitCode == 0)
        #expect(outcome.standardError.contains("udpping: received 3, dropped 0, answered 3"))
    }

    /// The lab's 30 %: the datagrams left unanswered are exactly the ones
    /// the server says it dropped, and a seed repeats the run.
    @Test func seededLossIsWhatTheServerReports() async throws {
        var dropped: [Int] = []
        for _ in 0..<2 {
            let (lost, outcome) = try await withLabServer("udpping", ["--seed", "42"]) { _, port in
                try await onOwnThread { try Self.unanswered(of: 1000, port: port) }
            }
            #expect(outcome.exitCode == 0)
            #expect(outcome.standardError.contains("udpping: received 1000, dropped \(lost), answered \(1000 - lost)"))
            #expect((240...360).contains(lost), "\(lost) of 1000 dropped at --loss 0.3")
            dropped.append(lost)
        }
        #expect(dropped[0] == dropped[1], "the same seed gave different drops")
    }

    /// Every reply of `--delay 30-40` comes after at least 30 ms.
    @Test(arguments: [[], ["--batch"]])
    func delayedRepliesComeLate(receiving: [String]) async throws {
        let (_, outcome) = try await withLabServer("udpping", ["--loss", "0", "--delay", "30-40"] + receiving) {
            _, port in
            let client = try UDPTestClient(port: port)
            for probe in 1...5 {
                let start = ContinuousClock.now
                client.send("Ping \(probe) 0")
                #expect(client.receive(within: 2000) != nil)
                #expect(ContinuousClock.now - start >= .milliseconds(30))
            }
        }
        #expect(outcome.exitCode == 0)
    }

    /// Drops are logged at debug, with the datagram's start.
    @Test func dropsAreLoggedAtDebug() async throws {
        let (_, outcome) = try await withLabServer("udpping", ["--loss", "1", "--log-level", "debug"]) { _, port in
            let client = try UDPTestClient(port: port)
            client.send("Ping 7 123.456")
            #expect(client.receive(within: 300) == nil)
        }
        #expect(outcome.standardError.contains("udpping: dropped datagram 1 from 127.0.0.1:"))
        #expect(outcome.standardError.contains(": Ping 7 123.456"))
    }

    @Test(arguments: [["--loss", "1.5"], ["--delay", "5-x"], ["--delay", "10-5"], ["--host", "nowhere"]])
    func badArgumentsExitTwo(arguments: [String]) async throws {
        let run = try await runProgram(sockworksExecutable(), ["serve", "udpping"] + arguments)
        #expect(run.exitCode == 2, "\(arguments): \(run.standardError)")
        #expect(!run.standardError.isEmpty)
    }

    /// Sends `count` numbered datagrams in windows of 50 (so that no socket
    /// buffer overflows) and counts those never answered.
    static func unanswered(of count: Int, port: UInt16) throws -> Int {
        let client = try UDPTestClient(port: port)
        var answered = Set<Int>()
        var next = 1
        while next <= count {
            let window = next..<min(next + 50, count + 1)
            for probe in window { client.send("Ping \(probe) 0") }
            while let reply = client.receive(within: 150) {
                let words = String(decoding: reply, as: UTF8.self).split(separator: " ")
                if words.count >= 2, let probe = Int(words[1]) { answered.insert(probe) }
            }
            next = window.upperBound
        }
        return count - answered.count
    }
}
