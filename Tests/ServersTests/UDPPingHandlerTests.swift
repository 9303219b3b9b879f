import Servers
import SocketCore
import XCTest

/// The lab's ping server's decisions, datagram by datagram.
final class UDPPingHandlerTests: XCTestCase {
    private let local = SocketAddress(IPAddress("127.0.0.1")!, port: 9999)
    private let client = SocketAddress(IPAddress("127.0.0.1")!, port: 40000)

    private func answer(_ handler: UDPPingHandler, _ text: String, from sender: SocketAddress) -> (
        DatagramReply, String
    ) {
        var output: [UInt8] = []
        let reply = Array(text.utf8).withUnsafeBytes { handler.received($0, from: sender, output: &output) }
        return (reply, String(decoding: output, as: UTF8.self))
    }

    func testADatagramFromItsOwnAddressIsNeverAnswered() {
        var options = UDPPingHandler.Options()
        options.loss = 0
        let handler = UDPPingHandler(options: options, local: local)
        XCTAssertEqual(answer(handler, "ping", from: local).0, .none)
        let wildcard = UDPPingHandler(options: options, local: SocketAddress(IPAddress("0.0.0.0")!, port: 9999))
        XCTAssertEqual(answer(wildcard, "ping", from: local).0, .none)
        XCTAssertEqual(answer(handler, "ping", from: client).1, "PING")
    }

    func testTheSameSeedDropsTheSameDatagrams() {
        var options = UDPPingHandler.Options()
        options.seed = 7
        let runs = (0..<2).map { _ -> [Bool] in
            let handler = UDPPingHandler(options: options, local: local)
            return (0..<200).map { _ in answer(handler, "Ping", from: client).0 == .none }
        }
        XCTAssertEqual(runs[0], runs[1])
        let dropped = runs[0].filter { $0 }.count
        XCTAssertTrue((30...90).contains(dropped), "\(dropped) of 200 at 0.3")
    }

    func testDelaysAreDrawnFromTheRange() {
        var options = UDPPingHandler.Options()
        options.loss = 0
        options.delay = .milliseconds(10)...(.milliseconds(20))
        let handler = UDPPingHandler(options: options, local: local)
        for _ in 0..<100 {
            guard case .after(let delay) = answer(handler, "x", from: client).0 else { return XCTFail("not delayed") }
            XCTAssertTrue((Duration.milliseconds(10)...Duration.milliseconds(20)).contains(delay), "\(delay)")
        }
        XCTAssertEqual(handler.counts, UDPPingHandler.Counts(received: 100, dropped: 0, answered: 100))
    }
}
