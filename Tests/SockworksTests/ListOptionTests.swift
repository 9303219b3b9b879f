import Servers
import XCTest

@testable import sockworks

/// List options parsed in-process: `a,b,c`, `a b c` and a mix of the two
/// give the same values in the same order.
final class ListOptionTests: XCTestCase {
    func testModelsTakeCommasSpacesAndAMix() throws {
        for arguments in [["epoll,poll,thread"], ["epoll", "poll", "thread"], ["epoll,poll", "thread"]] {
            let command = try BenchServersCommand.parse(["--models"] + arguments + ["--peers", "none"])
            XCTAssertEqual(command.models.flatMap(\.items), [.epoll, .poll, .thread], "\(arguments)")
        }
    }

    func testDefaultsAreOneListEach() throws {
        let command = try BenchServersCommand.parse([])
        XCTAssertEqual(command.models.flatMap(\.items), ServerModel.allCases.filter { $0 != .iterative })
        XCTAssertEqual(command.peers.flatMap(\.items), [.nio, .asyncio])
        XCTAssertEqual(command.connections.flatMap(\.items), [])
    }

    func testConnectionsAndPeers() throws {
        let command = try BenchServersCommand.parse(["--connections", "1,16", "128", "--peers", "nio,asyncio"])
        XCTAssertEqual(command.connections.flatMap(\.items), [1, 16, 128])
        XCTAssertEqual(command.peers.flatMap(\.items), [.nio, .asyncio])
    }

    func testChecksumSizesTakeCommas() throws {
        let command = try BenchChecksumCommand.parse(["--sizes", "64,2K", "16M"])
        XCTAssertEqual(command.sizes.flatMap(\.items).map(\.bytes), [64, 2048, 16 << 20])
    }

    /// The transform alone: the error names the bad item and what is valid.
    func testParserErrors() {
        let parse = CommaSeparated<Int>.parser(range: 1...20)
        XCTAssertEqual(try parse("3,20").items, [3, 20])
        XCTAssertThrowsError(try parse("1,,2")) { error in
            XCTAssertEqual("\(error)", "an empty item (each item is a whole number in 1...20)")
        }
        XCTAssertThrowsError(try parse("21")) { error in
            XCTAssertEqual("\(error)", "'21' is not a whole number in 1...20")
        }
        XCTAssertThrowsError(try parse(",")) { error in
            XCTAssertEqual("\(error)", "an empty item (each item is a whole number in 1...20)")
        }
        XCTAssertThrowsError(try CommaSeparated<PeerName>.parser("nio,ngx")) { error in
            XCTAssertEqual("\(error)", "'ngx' is not one of nio, asyncio, none")
        }
    }
}
