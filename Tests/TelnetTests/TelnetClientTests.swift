import Glibc
import SocketCore
import Streams
import TestSupport
import XCTest

@testable import Telnet

/// The client against a negotiating server of the test's own on loopback,
/// every byte of its answers checked.
final class TelnetClientTests: XCTestCase {
    private let iac: UInt8 = 255
    private let (will, wont, doVerb, dont, sb, se): (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (
        251, 252, 253, 254, 250, 240
    )

    func testNegotiatesWithAServerAndReadsItsData() async throws {
        let peer = try ScriptedPeer()
        let (iac, will, wont, doVerb, dont, sb, se) = (iac, will, wont, doVerb, dont, sb, se)
        let server = BackgroundThread { () throws -> [String] in
            var problems: [String] = []
            func expect(_ bytes: [UInt8], _ what: String) throws {
                let got = try peer.receive(bytes.count)
                if got != bytes { problems.append("\(what): \(got) instead of \(bytes)") }
            }
            try peer.accept()
            try peer.send([iac, doVerb, 24, iac, doVerb, 31, iac, will, 1, iac, will, 200, iac, doVerb, 201])
            try expect(
                [iac, will, 24, iac, will, 31, iac, sb, 31, 0, 80, 0, 24, iac, se, iac, doVerb, 1, iac, dont, 200]
                    + [iac, wont, 201], "the answers to the first negotiations")
            try peer.send([iac, sb, 24, 1, iac, se])
            try expect([iac, sb, 24, 0] + Array("XTERM".utf8) + [iac, se], "TERMINAL-TYPE IS")
            // Refused options asked again, data with IAC IAC, a
            // subnegotiation that never ends, then a negotiation.
            try peer.send(
                [iac, will, 200, iac, doVerb, 201] + Array("hello ".utf8) + [iac, iac] + Array(" world\r\n".utf8)
                    + [iac, sb, 99, 1, 2, 3, iac, will, 3] + Array("login: ".utf8))
            try expect([iac, doVerb, 3], "SUPPRESS-GO-AHEAD accepted, the refused options not answered again")
            try expect(Array("user\r\n".utf8) + [iac, iac] + [0x0D, 0], "data in NVT form")
            try expect([iac, sb, 31, 0, 100, 0, 255, 255, iac, se], "NAWS again, its 255 doubled")
            try expect([iac, 246], "AYT")
            let extra = peer.receiveAnything()
            if !extra.isEmpty { problems.append("more than expected: \(extra)") }
            peer.closeConnection()
            return problems
        }
        let (socket, _) = try Socket.connectStream(toHost: "127.0.0.1", port: peer.port, deadline: .now + .seconds(5))
        let descriptor = socket.withUnsafeFileDescriptor { $0 }
        let client = TelnetClient(
            stream: socket,
            session: TelnetSession(terminalType: "XTERM", windowSize: TelnetWindowSize(columns: 80, rows: 24)))
        var events: [TelnetEvent] = []
        client.onEvent = { events.append($0) }
        var changes: [String] = []
        client.onOptionChange = { option, side, enabled in changes.append("\(side) \(option) \(enabled)") }
        let login = try client.read(until: Array("login: ".utf8), timeout: .seconds(5))
        XCTAssertEqual(login, Array("hello ".utf8) + [255] + Array(" world\r\nlogin: ".utf8))
        XCTAssertTrue(events.contains(.violation(.subnegotiationUnterminated(TelnetOption(rawValue: 99)))), "\(events)")
        XCTAssertEqual(
            changes,
            ["local TERMINAL-TYPE true", "local NAWS true", "remote ECHO true", "remote SUPPRESS-GO-AHEAD true"])
        XCTAssertEqual(client.state(of: .echo, on: .remote), .yes)
        XCTAssertEqual(client.state(of: .windowSize, on: .local), .yes)
        XCTAssertEqual(client.state(of: TelnetOption(rawValue: 200), on: .remote), .no)
        try client.write(Array("user\n".utf8) + [255] + [0x0D])
        try client.setWindowSize(columns: 100, rows: 255)
        try client.send(.areYouThere)
        XCTAssertEqual(try client.readAll(timeout: .seconds(5)), [])
        XCTAssertTrue(client.peerClosed)
        XCTAssertEqual(try server.value(), [])
        client.close()
        XCTAssertEqual(fcntl(descriptor, F_GETFD), -1, "close closes the stream")
    }

    func testReadUntilTimesOutWithWhatItSaw() throws {
        let peer = try ScriptedPeer()
        let server = BackgroundThread { () throws -> Void in
            try peer.accept()
            try peer.send(Array("Password".utf8))
            _ = try peer.receive(1, seconds: 3)
            peer.closeConnection()
        }
        let client = try TelnetClient.connect(host: "127.0.0.1", port: peer.port, timeout: .seconds(5))
        defer { client.close() }
        XCTAssertThrowsError(try client.read(until: Array("Password: ".utf8), timeout: .milliseconds(300))) { error in
            XCTAssertEqual(error as? TelnetError, .timedOut(seen: Array("Password".utf8)))
        }
        XCTAssertEqual(try client.readAvailable(timeout: .milliseconds(10)), Array("Password".utf8))
        try client.write([0x78])
        XCTAssertThrowsError(try client.read(until: [0x7A], timeout: .seconds(5))) { error in
            XCTAssertEqual(error as? TelnetError, .closed(seen: []))
        }
        try server.value()
    }

    func testAFloodWithoutTheMarkerKeepsOnlyTheBufferLimit() throws {
        let peer = try ScriptedPeer()
        let server = BackgroundThread { () throws -> Void in
            try peer.accept()
            try peer.send([UInt8](repeating: 0x78, count: 50_000) + Array("END".utf8))
            _ = try peer.receive(1, seconds: 3)
            peer.closeConnection()
        }
        let (socket, _) = try Socket.connectStream(toHost: "127.0.0.1", port: peer.port, deadline: .now + .seconds(5))
        let client = TelnetClient(stream: socket, bufferLimit: 1000)
        defer { client.close() }
        var shown = 0
        client.onData = { shown += $0.count }
        let match = try client.read(until: Array("END".utf8), timeout: .seconds(5))
        XCTAssertEqual(match.count, 1000)
        XCTAssertEqual(match.suffix(3), Array("END".utf8)[...])
        XCTAssertEqual(shown, 50_003, "onData saw every byte")
        try client.write([0x78])
        try server.value()
    }
}
