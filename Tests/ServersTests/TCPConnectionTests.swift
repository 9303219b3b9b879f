import Servers
import XCTest

/// The State pattern's three-state connection: what each state allows, and
/// the typed error for what it does not.
final class TCPConnectionTests: XCTestCase {
    func testActiveOpenTransmitAndClose() throws {
        let connection = TCPConnection()
        XCTAssertEqual(connection.state, .closed)
        try connection.activeOpen()
        XCTAssertEqual(connection.state, .established)
        try connection.send()
        try connection.acknowledge()
        try connection.transmit([1, 2])
        try connection.transmit([3])
        XCTAssertEqual(connection.state, .established)
        XCTAssertEqual(connection.processedOctets, [1, 2, 3])
        // The book's close goes back to listening.
        try connection.close()
        XCTAssertEqual(connection.state, .listen)
        try connection.close()
        XCTAssertEqual(connection.state, .closed)
    }

    func testListenBecomesEstablishedBySendOrSynchronizeOrActiveOpen() throws {
        for step: (TCPConnection) throws -> Void in [{ try $0.send() }, { try $0.synchronize() }, { try $0.activeOpen() }] {
            let connection = TCPConnection()
            try connection.passiveOpen()
            XCTAssertEqual(connection.state, .listen)
            try step(connection)
            XCTAssertEqual(connection.state, .established)
        }
    }

    /// Every request in every state: allowed ones move as the book says,
    /// the rest throw with the state, the request and the reason, and leave
    /// the state alone.
    func testEveryRequestInEveryState() {
        let table: [TCPState: [TCPConnectionOperation: Expected]] = [
            .closed: [
                .activeOpen: .to(.established), .passiveOpen: .to(.listen),
                .close: .refused(.connectionDoesNotExist), .send: .refused(.connectionDoesNotExist),
                .acknowledge: .refused(.connectionDoesNotExist), .synchronize: .refused(.connectionDoesNotExist),
                .transmit: .refused(.connectionDoesNotExist),
            ],
            .listen: [
                .activeOpen: .to(.established), .passiveOpen: .refused(.connectionAlreadyExists),
                .close: .to(.closed), .send: .to(.established),
                .acknowledge: .refused(.connectionNotEstablished), .synchronize: .to(.established),
                .transmit: .refused(.connectionNotEstablished),
            ],
            .established: [
                .activeOpen: .refused(.connectionAlreadyExists), .passiveOpen: .refused(.connectionAlreadyExists),
                .close: .to(.listen), .send: .to(.established),
                .acknowledge: .to(.established), .synchronize: .refused(.connectionAlreadyExists),
                .transmit: .to(.established),
            ],
        ]
        for (state, row) in table {
            XCTAssertEqual(Set(row.keys), Set(TCPConnectionOperation.allCases), "\(state)")
            for (operation, expected) in row {
                let connection = connection(in: state)
                do {
                    try perform(operation, on: connection)
                    guard case .to(let next) = expected else {
                        XCTFail("\(operation) in \(state) succeeded, expected \(expected)")
                        continue
                    }
                    XCTAssertEqual(connection.state, next, "\(operation) in \(state)")
                } catch {
                    XCTAssertEqual(error.state, state)
                    XCTAssertEqual(error.operation, operation.rawValue)
                    XCTAssertEqual(Expected.refused(error.reason), expected, "\(operation) in \(state)")
                    XCTAssertEqual(connection.state, state, "a refused \(operation) moved \(state)")
                }
            }
        }
    }

    func testErrorDescriptionNamesStateAndOperation() {
        let connection = TCPConnection()
        XCTAssertThrowsError(try connection.send()) { error in
            XCTAssertEqual("\(error)", "send in CLOSED: error: connection does not exist")
        }
        XCTAssertTrue(connection.processedOctets.isEmpty)
    }

    func testOctetsAreNotProcessedOutsideEstablished() throws {
        let connection = TCPConnection()
        try connection.passiveOpen()
        XCTAssertThrowsError(try connection.transmit([9])) { error in
            XCTAssertEqual("\(error)", "transmit in LISTEN: error: connection not established")
        }
        XCTAssertEqual(connection.processedOctets, [])
    }

    private enum Expected: Equatable {
        case to(TCPState)
        case refused(TCPStateError.Reason)
    }

    private func connection(in state: TCPState) -> TCPConnection {
        let connection = TCPConnection()
        switch state {
        case .closed: break
        case .listen: try? connection.passiveOpen()
        default: try? connection.activeOpen()
        }
        XCTAssertEqual(connection.state, state)
        return connection
    }

    private func perform(_ operation: TCPConnectionOperation, on connection: TCPConnection) throws(TCPStateError) {
        switch operation {
        case .activeOpen: try connection.activeOpen()
        case .passiveOpen: try connection.passiveOpen()
        case .close: try connection.close()
        case .send: try connection.send()
        case .acknowledge: try connection.acknowledge()
        case .synchronize: try connection.synchronize()
        case .transmit: try connection.transmit([7])
        }
    }
}
