import TCPStates
import XCTest

/// The classic exchanges of RFC 9293 section 3.5 played on two machines, A
/// and B, one event at a time: each segment one side sends arrives at the
/// other as the flags it carries, with its ACK classified against what the
/// receiver has sent.
final class TCPScenarioTests: XCTestCase {
    /// Figure 7, the three-way handshake.
    func testThreeWayHandshake() throws {
        var a = TCPStateMachine()
        var b = TCPStateMachine()
        try expect(&b, .passiveOpen, .listen, [.createTCB])
        try expect(&a, .activeOpen, .synSent, [.createTCB, .sendSYN])
        try expect(&b, .syn, .synReceived(.passiveOpen), [.sendSYNACK])
        try expect(&a, .synACK, .established, [.sendACK])
        try expect(&b, .ack, .established, [])
        try expect(&a, .send, .established, [.sendData])
        try expect(&b, .send, .established, [.sendData])
    }

    /// Figure 8, simultaneous open. Each side's SYN,ACK repeats a SYN the
    /// other has already taken: lying before RCV.NXT, it is trimmed off
    /// (3.10.7.4, "including SYN and FIN"), and what arrives is the ACK.
    func testSimultaneousOpen() throws {
        var a = TCPStateMachine()
        var b = TCPStateMachine()
        try expect(&a, .activeOpen, .synSent, [.createTCB, .sendSYN])
        try expect(&b, .activeOpen, .synSent, [.createTCB, .sendSYN])
        try expect(&a, .syn, .synReceived(.activeOpen), [.sendSYNACK])
        try expect(&b, .syn, .synReceived(.activeOpen), [.sendSYNACK])
        try expect(&a, .ack, .established, [])
        try expect(&b, .ack, .established, [])
    }

    /// Figure 9, recovery from an old duplicate SYN: A refuses the SYN,ACK
    /// that acknowledges a SYN it never sent, B goes back to LISTEN, and
    /// A's own SYN then opens the connection.
    func testRecoveryFromOldDuplicateSYN() throws {
        var a = TCPStateMachine()
        var b = TCPStateMachine()
        try expect(&b, .passiveOpen, .listen, [.createTCB])
        try expect(&a, .activeOpen, .synSent, [.createTCB, .sendSYN])
        try expect(&b, .syn, .synReceived(.passiveOpen), [.sendSYNACK])  // the old duplicate
        try expect(&a, .synACKShort, .synSent, [.sendRST])
        try expect(&b, .rst, .listen, [])
        try expect(&b, .syn, .synReceived(.passiveOpen), [.sendSYNACK])  // A's SYN
        try expect(&a, .synACK, .established, [.sendACK])
        try expect(&b, .ack, .established, [])
    }

    /// Figure 12, normal close: A closes first, waits in TIME-WAIT for 2 MSL;
    /// B closes from CLOSE-WAIT through LAST-ACK.
    func testActiveAndPassiveClose() throws {
        var a = TCPStateMachine(state: .established)
        var b = TCPStateMachine(state: .established)
        try expect(&a, .close, .finWait1, [.sendFIN])
        try expect(&b, .finACK, .closeWait, [.signal(.connectionClosing), .sendACK])
        try expect(&a, .ack, .finWait2, [])
        // B may still send (the data is not modeled; its ACK changes
        // nothing in FIN-WAIT-2); A may not.
        try expect(&b, .send, .closeWait, [.sendData])
        try expect(&a, .ack, .finWait2, [])
        try refuse(&a, .send, .connectionClosing)
        try refuse(&a, .close, .connectionClosing)
        try expect(&b, .close, .lastAck, [.sendFIN])
        try expect(&a, .finACK, .timeWait, [.signal(.connectionClosing), .sendACK, .startTimeWaitTimer])
        try expect(&b, .ack, .closed, [.deleteTCB])
        // B's FIN again (A's ACK was lost): trimmed, it is an ACK; A answers
        // and waits 2 MSL afresh.
        try expect(&a, .ack, .timeWait, [.sendACK, .startTimeWaitTimer])
        try refuse(&a, .send, .connectionClosing)
        try expect(&a, .timeWaitTimeout, .closed, [.deleteTCB])
        try refuse(&a, .close, .connectionDoesNotExist)
    }

    /// The peer acknowledges A's FIN with its own FIN: FIN-WAIT-1 goes
    /// straight to TIME-WAIT (the transition figure 5's note 2 mentions).
    func testFINWithACKOfFINInFinWait1() throws {
        var a = TCPStateMachine(state: .established)
        var b = TCPStateMachine(state: .established)
        try expect(&a, .close, .finWait1, [.sendFIN])
        try expect(&b, .finACK, .closeWait, [.signal(.connectionClosing), .sendACK])
        try expect(&b, .close, .lastAck, [.sendFIN])  // B's ACK and FIN leave together
        try expect(&a, .finACK, .timeWait, [.signal(.connectionClosing), .sendACK, .startTimeWaitTimer])
        try expect(&b, .ack, .closed, [.deleteTCB])
        try expect(&a, .timeWaitTimeout, .closed, [.deleteTCB])
    }

    /// Figure 13, simultaneous close: each FIN crosses the other, so each
    /// arrives with an ACK that does not cover the receiver's FIN.
    func testSimultaneousClose() throws {
        var a = TCPStateMachine(state: .established)
        var b = TCPStateMachine(state: .established)
        try expect(&a, .close, .finWait1, [.sendFIN])
        try expect(&b, .close, .finWait1, [.sendFIN])
        try expect(&a, .finACKShort, .closing, [.signal(.connectionClosing), .sendACK])
        try expect(&b, .finACKShort, .closing, [.signal(.connectionClosing), .sendACK])
        try refuse(&a, .send, .connectionClosing)
        try expect(&a, .ack, .timeWait, [.startTimeWaitTimer])
        try expect(&b, .ack, .timeWait, [.startTimeWaitTimer])
        try expect(&a, .timeWaitTimeout, .closed, [.deleteTCB])
        try expect(&b, .timeWaitTimeout, .closed, [.deleteTCB])
    }

    /// Figure 11: A has lost the connection (CLOSED); B's next segment draws
    /// a reset that ends B's connection.
    func testHalfOpenConnectionIsReset() throws {
        var a = TCPStateMachine()
        var b = TCPStateMachine(state: .established)
        try expect(&b, .send, .established, [.sendData])
        try expect(&a, .ack, .closed, [.sendRST])
        try expect(&b, .rst, .closed, [.signal(.connectionReset), .deleteTCB])
    }

    /// SEND in LISTEN makes the connection active (3.10.2).
    func testSendInListenOpensActively() throws {
        var a = TCPStateMachine()
        try expect(&a, .passiveOpen, .listen, [.createTCB])
        try expect(&a, .send, .synSent, [.sendSYN, .queueData])
        try expect(&a, .synACK, .established, [.sendACK])
    }

    func testCloseInListenAndSynSentDeletesTheTCB() throws {
        var a = TCPStateMachine()
        try expect(&a, .passiveOpen, .listen, [.createTCB])
        try expect(&a, .close, .closed, [.answerPendingCalls(.closing), .deleteTCB])
        try expect(&a, .activeOpen, .synSent, [.createTCB, .sendSYN])
        try expect(&a, .close, .closed, [.answerPendingCalls(.closing), .deleteTCB])
    }

    /// A RST in every state, reached through real exchanges: LISTEN ignores
    /// it, SYN-SENT heeds it only with an acceptable ACK, SYN-RECEIVED goes
    /// back to LISTEN or is refused, the rest close, telling the user only
    /// while it still had a connection to use.
    func testRSTInEveryState() throws {
        let reset: [TCPAction] = [.signal(.connectionReset), .deleteTCB]
        let expected: [(TCPMachineState, TCPEvent, TCPMachineState, [TCPAction])] = [
            (.closed, .rst, .closed, []),
            (.listen, .rst, .listen, []),
            (.listen, .rstACK, .listen, []),
            (.synSent, .rst, .synSent, []),
            (.synSent, .rstACK, .closed, reset),
            (.synReceived(.passiveOpen), .rst, .listen, []),
            (.synReceived(.activeOpen), .rst, .closed, [.signal(.connectionRefused), .deleteTCB]),
            (.established, .rst, .closed, reset),
            (.finWait1, .rst, .closed, reset),
            (.finWait2, .rst, .closed, reset),
            (.closeWait, .rst, .closed, reset),
            (.closing, .rst, .closed, [.deleteTCB]),
            (.lastAck, .rst, .closed, [.deleteTCB]),
            (.timeWait, .rst, .closed, [.deleteTCB]),
        ]
        XCTAssertEqual(Set(expected.map(\.0)), Set(TCPMachineState.all))
        for (state, rst, next, actions) in expected {
            var machine = try reach(state)
            try expect(&machine, rst, next, actions, "\(rst) in \(state)")
        }
    }

    func testUserTimeoutAbortsFromAnyStateWithATCB() throws {
        for state in TCPMachineState.all where state != .closed {
            var machine = try reach(state)
            try expect(&machine, .userTimeout, .closed, [.signal(.userTimeout), .deleteTCB], "in \(state)")
        }
    }

    /// Event sequences from CLOSED to every state.
    private func reach(_ state: TCPMachineState, file: StaticString = #filePath, line: UInt = #line) throws
        -> TCPStateMachine
    {
        let established: [TCPEvent] = [.activeOpen, .synACK]
        let paths: [TCPMachineState: [TCPEvent]] = [
            .closed: [],
            .listen: [.passiveOpen],
            .synSent: [.activeOpen],
            .synReceived(.passiveOpen): [.passiveOpen, .syn],
            .synReceived(.activeOpen): [.activeOpen, .syn],
            .established: established,
            .finWait1: established + [.close],
            .finWait2: established + [.close, .ack],
            .closeWait: established + [.finACK],
            .closing: established + [.close, .finACKShort],
            .lastAck: established + [.finACK, .close],
            .timeWait: established + [.close, .ack, .finACK],
        ]
        var machine = TCPStateMachine()
        for event in try XCTUnwrap(paths[state], file: file, line: line) {
            try machine.apply(event)
        }
        XCTAssertEqual(machine.state, state, file: file, line: line)
        return machine
    }

    private func expect(
        _ machine: inout TCPStateMachine, _ event: TCPEvent, _ next: TCPMachineState, _ actions: [TCPAction],
        _ message: String = "", file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let before = machine.state
        let done = try machine.apply(event)
        XCTAssertEqual(machine.state, next, "\(event) in \(before) \(message)", file: file, line: line)
        XCTAssertEqual(done, actions, "\(event) in \(before) \(message)", file: file, line: line)
    }

    private func refuse(
        _ machine: inout TCPStateMachine, _ event: TCPEvent, _ reason: TCPStateError.Reason,
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let before = machine.state
        XCTAssertThrowsError(try machine.apply(event), file: file, line: line) { error in
            XCTAssertEqual((error as? TCPStateError)?.reason, reason, file: file, line: line)
        }
        XCTAssertEqual(machine.state, before, file: file, line: line)
    }
}
