import XCTest

@testable import Telnet

/// The Q method of RFC 1143 (section 7's tables) and the client's options,
/// without sockets.
final class TelnetNegotiationTests: XCTestCase {
    private let iac: UInt8 = 255
    private let (will, wont, doVerb, dont): (UInt8, UInt8, UInt8, UInt8) = (251, 252, 253, 254)

    func testAcceptedOptionsAreAnsweredOnceAndRepeatsIgnored() {
        var session = TelnetSession()
        let first = session.receive([iac, will, 1, iac, will, 3, iac, doVerb, 3, iac, will, 0, iac, doVerb, 0])
        XCTAssertEqual(
            first.reply, [iac, doVerb, 1, iac, doVerb, 3, iac, will, 3, iac, doVerb, 0, iac, will, 0])
        XCTAssertEqual(
            first.events,
            [
                .optionChanged(.echo, .remote, enabled: true), .optionChanged(.suppressGoAhead, .remote, enabled: true),
                .optionChanged(.suppressGoAhead, .local, enabled: true),
                .optionChanged(.binary, .remote, enabled: true),
                .optionChanged(.binary, .local, enabled: true),
            ])
        XCTAssertEqual(session.receive([iac, will, 1, iac, doVerb, 3]).reply, [], "YES: a repeat is ignored")
    }

    func testUnknownOptionsAreRefusedOnceOnly() {
        var session = TelnetSession()
        XCTAssertEqual(session.receive([iac, will, 200, iac, doVerb, 200]).reply, [iac, dont, 200, iac, wont, 200])
        XCTAssertEqual(session.receive([iac, will, 200, iac, doVerb, 200]).reply, [], "refused once, never again")
        // WONT and DONT in the NO state are never answered.
        XCTAssertEqual(session.receive([iac, wont, 200, iac, dont, 200, iac, wont, 1, iac, dont, 1]).reply, [])
        // DO ECHO: this end does not echo.
        XCTAssertEqual(session.receive([iac, doVerb, 1]).reply, [iac, wont, 1])
        XCTAssertEqual(session.state(of: TelnetOption(rawValue: 200), on: .remote), .no)
    }

    func testAChangedPolicyAnswersARefusedOptionAgain() {
        var session = TelnetSession()
        XCTAssertEqual(session.receive([iac, will, 5]).reply, [iac, dont, 5])
        XCTAssertEqual(session.receive([iac, will, 5]).reply, [])
        session.policy.remote.insert(.status)
        XCTAssertEqual(session.receive([iac, will, 5]).reply, [iac, doVerb, 5])
        XCTAssertTrue(session.isEnabled(.status, on: .remote))
    }

    func testTerminalTypeAndWindowSizeNeedValues() {
        var none = TelnetSession()
        XCTAssertEqual(none.receive([iac, doVerb, 24, iac, doVerb, 31]).reply, [iac, wont, 24, iac, wont, 31])
        var session = TelnetSession(terminalType: "xterm-256color", windowSize: TelnetWindowSize(columns: 80, rows: 24))
        let reply = session.receive([iac, doVerb, 24, iac, 250, 24, 1, iac, 240, iac, doVerb, 31]).reply
        XCTAssertEqual(
            reply,
            [iac, will, 24, iac, 250, 24, 0] + Array("xterm-256color".utf8) + [iac, 240]
                + [iac, will, 31, iac, 250, 31, 0, 80, 0, 24, iac, 240])
        // Sent again on a change, with a 255 doubled; nothing when unchanged.
        XCTAssertEqual(
            session.setWindowSize(TelnetWindowSize(columns: 255, rows: 0x1FF)),
            [iac, 250, 31, 0, 255, 255, 1, 255, 255, iac, 240])
        XCTAssertEqual(session.setWindowSize(TelnetWindowSize(columns: 255, rows: 0x1FF)), [])
        // A name of RFC 1091's size; one with a control character refused.
        XCTAssertEqual(TelnetSession(terminalType: String(repeating: "A", count: 100)).terminalType?.count, 40)
        var control = TelnetSession(terminalType: "vt\u{1B}100")
        XCTAssertEqual(control.receive([iac, doVerb, 24]).reply, [iac, wont, 24])
        // SEND before DO is not answered.
        var early = TelnetSession(terminalType: "vt100")
        XCTAssertEqual(early.receive([iac, 250, 24, 1, iac, 240]).reply, [])
    }

    func testPeerTurnsAnOptionOff() {
        var session = TelnetSession()
        _ = session.receive([iac, will, 1])
        let off = session.receive([iac, wont, 1])
        XCTAssertEqual(off.reply, [iac, dont, 1], "YES, WONT: agree, once")
        XCTAssertEqual(off.events, [.optionChanged(.echo, .remote, enabled: false)])
        XCTAssertEqual(session.receive([iac, wont, 1]).reply, [])
    }

    // RFC 1143 section 7, the states this end's own requests lead to.

    func testWantYesAnsweredYesAndNo() {
        var session = TelnetSession()
        XCTAssertEqual(session.request(.echo, on: .remote, enabled: true), [iac, doVerb, 1])
        XCTAssertEqual(session.state(of: .echo, on: .remote), .wantYes)
        XCTAssertEqual(session.request(.echo, on: .remote, enabled: true), [], "already asked")
        XCTAssertEqual(session.receive([iac, will, 1]).reply, [], "WANTYES EMPTY, WILL: yes, no answer")
        XCTAssertEqual(session.state(of: .echo, on: .remote), .yes)

        var refused = TelnetSession()
        _ = refused.request(.status, on: .local, enabled: true)
        XCTAssertEqual(refused.receive([iac, dont, 5]).reply, [], "WANTYES EMPTY, DONT: no")
        XCTAssertEqual(refused.state(of: .status, on: .local), .no)
    }

    func testWantYesWithTheOppositeQueued() {
        var session = TelnetSession()
        _ = session.request(.echo, on: .remote, enabled: true)
        XCTAssertEqual(session.request(.echo, on: .remote, enabled: false), [], "queued")
        XCTAssertEqual(session.receive([iac, will, 1]).reply, [iac, dont, 1], "WANTYES OPPOSITE, WILL: now DONT")
        XCTAssertEqual(session.state(of: .echo, on: .remote), .wantNo)
        XCTAssertEqual(session.receive([iac, wont, 1]).reply, [])
        XCTAssertEqual(session.state(of: .echo, on: .remote), .no)

        var second = TelnetSession()
        _ = second.request(.echo, on: .remote, enabled: true)
        _ = second.request(.echo, on: .remote, enabled: false)
        XCTAssertEqual(second.receive([iac, wont, 1]).reply, [], "WANTYES OPPOSITE, WONT: no, queue emptied")
        XCTAssertEqual(second.state(of: .echo, on: .remote), .no)
    }

    func testWantNoAnsweredAndQueued() {
        var session = TelnetSession()
        _ = session.receive([iac, will, 1])
        XCTAssertEqual(session.request(.echo, on: .remote, enabled: false), [iac, dont, 1])
        XCTAssertEqual(session.state(of: .echo, on: .remote), .wantNo)
        XCTAssertEqual(session.request(.echo, on: .remote, enabled: true), [], "queued")
        XCTAssertEqual(session.receive([iac, wont, 1]).reply, [iac, doVerb, 1], "WANTNO OPPOSITE, WONT: ask again")
        XCTAssertEqual(session.state(of: .echo, on: .remote), .wantYes)
        XCTAssertEqual(session.receive([iac, will, 1]).reply, [])
        XCTAssertEqual(session.state(of: .echo, on: .remote), .yes)
    }

    func testWantNoAnsweredByWillIsAViolation() {
        var session = TelnetSession()
        _ = session.receive([iac, will, 1])
        _ = session.request(.echo, on: .remote, enabled: false)
        let input = session.receive([iac, will, 1])
        XCTAssertEqual(input.reply, [])
        XCTAssertEqual(
            input.events, [.violation(.refusalAnsweredByYes(.echo, .remote))], "off since the request: no change")
        XCTAssertEqual(session.state(of: .echo, on: .remote), .no)
    }

    func testTwoRefusingEndsDoNotLoop() {
        // Two sessions wired back to back, each refusing what the other
        // asks for: the exchange ends after one round.
        var client = TelnetSession()
        var server = TelnetSession(policy: TelnetOptionPolicy(local: [], remote: []))
        var toServer =
            client.request(.linemode, on: .local, enabled: true) + client.request(.echo, on: .remote, enabled: true)
        var rounds = 0
        while !toServer.isEmpty, rounds < 10 {
            let toClient = server.receive(toServer).reply
            toServer = client.receive(toClient).reply
            rounds += 1
        }
        XCTAssertEqual(rounds, 1)
        XCTAssertEqual(client.state(of: .echo, on: .remote), .no)
        XCTAssertEqual(client.state(of: .linemode, on: .local), .no)
    }
}
