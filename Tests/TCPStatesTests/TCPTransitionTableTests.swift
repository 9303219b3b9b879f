import TCPStates
import XCTest

/// TCPStateMachine against the hand-written table, entry by entry, and
/// against rules that hold for every combination of flags.
final class TCPTransitionTableTests: XCTestCase {
    /// The table has one row per state and, in each, one entry per event.
    func testTableCoversEveryStateAndEvent() {
        XCTAssertEqual(TCPTransitionTable.rows.map(\.state), TCPMachineState.all)
        XCTAssertEqual(TCPMachineState.all.count, 12)
        XCTAssertEqual(Set(TCPMachineState.all.map(\.description)).count, 11, "the RFC's eleven states")
        XCTAssertEqual(Set(TCPTransitionTable.events).count, TCPTransitionTable.events.count)
        for row in TCPTransitionTable.rows {
            XCTAssertEqual(row.entries.map(\.event), TCPTransitionTable.events, "row \(row.state)")
        }
        // A new kind of event must join the table: this switch stops
        // compiling until it is listed here.
        for event in TCPTransitionTable.events {
            switch event {
            case .passiveOpen, .activeOpen, .send, .close, .abort, .segment, .userTimeout, .timeWaitTimeout: break
            }
        }
        let calls: [TCPEvent] = [.passiveOpen, .activeOpen, .send, .close, .abort, .userTimeout, .timeWaitTimeout]
        XCTAssertTrue(calls.allSatisfy(TCPTransitionTable.events.contains))
    }

    func testMachineMatchesEveryEntry() {
        var compared = 0
        var mismatches: [String] = []
        for row in TCPTransitionTable.rows {
            for (event, expected) in row.entries {
                compared += 1
                let actual: Expected
                switch TCPStateMachine.transition(row.state, event) {
                case .success(let transition):
                    actual = .to(transition.next, transition.actions)
                case .failure(let error):
                    actual = .refused(error.reason)
                    XCTAssertEqual(error.state, row.state)
                    XCTAssertEqual(error.operation, event.description)
                }
                if actual != expected {
                    mismatches.append("\(debugName(row.state)) + \(event): expected \(expected), got \(actual)")
                }
            }
        }
        XCTAssertEqual(compared, 12 * 19)
        XCTAssertEqual(mismatches, [], mismatches.joined(separator: "\n"))
    }

    /// Every segment the model can express (each of the 16 flag sets, those
    /// with ACK in both kinds) in every state: never an error, and the rules
    /// RFC 9293 states for all states hold.
    func testEverySegmentInEveryState() {
        var segments: [TCPSegment] = []
        for bits in UInt8(0)..<16 {
            var flags = TCPFlags()
            if bits & 1 != 0 { flags.insert(.syn) }
            if bits & 2 != 0 { flags.insert(.ack) }
            if bits & 4 != 0 { flags.insert(.fin) }
            if bits & 8 != 0 { flags.insert(.rst) }
            segments.append(TCPSegment(flags))
            if flags.contains(.ack) { segments.append(TCPSegment(flags, acknowledging: .notAllSent)) }
        }
        XCTAssertEqual(Set(segments).count, 24)
        for state in TCPMachineState.all {
            for segment in segments {
                let context = "\(debugName(state)) + \(segment)"
                guard case .success(let transition) = TCPStateMachine.transition(state, .segment(segment)) else {
                    XCTFail("\(context): a segment is never a user error")
                    continue
                }
                let actions = transition.actions
                XCTAssertEqual(Set(actions).count, actions.count, "\(context): an action twice in \(actions)")
                if segment.flags.contains(.rst) {
                    // 3.10.7: a reset is never answered with a reset, nor
                    // with anything else.
                    XCTAssertTrue(actions.allSatisfy { $0 == .deleteTCB || $0.isSignal }, "\(context): \(actions)")
                }
                XCTAssertEqual(actions.contains(.deleteTCB), state != .closed && transition.next == .closed, context)
                XCTAssertFalse(actions.contains(.createTCB), context)
                if actions.contains(.startTimeWaitTimer) { XCTAssertEqual(transition.next, .timeWait, context) }
                if transition.next == .timeWait, state != .timeWait {
                    XCTAssertTrue(actions.contains(.startTimeWaitTimer), context)
                }
                if state == .closed { XCTAssertEqual(transition.next, .closed, context) }
                if transition.next == .synSent { XCTAssertEqual(state, .synSent, context) }
                // Before a SYN arrives nothing is signalled "closing": a FIN
                // is processed only once the SYN is.
                if [.closed, .listen].contains(state) {
                    XCTAssertFalse(actions.contains(.signal(.connectionClosing)), context)
                }
            }
        }
    }

    func testRefusedCallsSayStateCallAndRFCWording() {
        var machine = TCPStateMachine(state: .finWait1)
        XCTAssertThrowsError(try machine.apply(.send)) { error in
            XCTAssertEqual("\(error)", "SEND in FIN-WAIT-1: error: connection closing")
        }
        XCTAssertEqual(machine.state, .finWait1, "a refused call leaves the state")
        XCTAssertEqual(
            "\(TCPStateMachine.transition(.synReceived(.activeOpen), .passiveOpen))",
            "failure(OPEN (passive) in SYN-RECEIVED: error: connection already exists)")
        XCTAssertEqual(
            "\(TCPStateMachine.transition(.closed, .abort))",
            "failure(ABORT in CLOSED: error: connection does not exist)")
    }

    func testDescriptions() {
        XCTAssertEqual(
            TCPMachineState.all.map(\.description),
            [
                "CLOSED", "LISTEN", "SYN-SENT", "SYN-RECEIVED", "SYN-RECEIVED", "ESTABLISHED",
                "FIN-WAIT-1", "FIN-WAIT-2", "CLOSE-WAIT", "CLOSING", "LAST-ACK", "TIME-WAIT",
            ])
        XCTAssertEqual("\(TCPEvent.finACKShort)", "segment FIN+ACK (acknowledging less than was sent)")
        XCTAssertEqual("\(TCPSegment([]))", "(no flags)")
        XCTAssertEqual("\(TCPSegment([.rst, .syn, .ack]))", "SYN+RST+ACK")
        XCTAssertEqual(
            "\(try TCPStateMachine.transition(.finWait2, .finACK).get())",
            "-> TIME-WAIT, signal \"connection closing\", send ACK, start the 2 MSL timer")
        XCTAssertEqual(TCPFlags([.fin, .syn, .rst, .ack]).rawValue, 0x17, "the header's bit values")
    }

    private func debugName(_ state: TCPMachineState) -> String {
        switch state {
        case .synReceived(.passiveOpen): "SYN-RECEIVED from LISTEN"
        case .synReceived(.activeOpen): "SYN-RECEIVED from SYN-SENT"
        default: "\(state)"
        }
    }
}

extension TCPAction {
    var isSignal: Bool {
        switch self {
        case .signal: true
        default: false
        }
    }
}
