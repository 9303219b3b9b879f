import Glibc
import SocketCore
import XCTest

@testable import Servers

/// A wait's time limit on every backend: never overslept, an earlier limit
/// honoured after a later one was armed, a passed one returning at once,
/// and readiness reported before the limit.
final class ReadinessBackendTests: XCTestCase {
    func testEpollWaitLimits() throws { try checkWaitLimits(EpollBackend()) }
    func testPollWaitLimits() throws { try checkWaitLimits(PollBackend()) }
    func testSelectWaitLimits() throws { try checkWaitLimits(SelectBackend()) }

    private func checkWaitLimits<Backend: ReadinessBackend>(
        _ made: Backend, file: StaticString = #filePath, line: UInt = #line
    ) throws {
        var backend = made
        var ends: [Int32] = [-1, -1]
        XCTAssertEqual(pipe(&ends), 0)
        for end in ends { _ = fcntl(end, F_SETFL, O_NONBLOCK) }
        defer { for end in ends { close(end) } }
        XCTAssert(backend.watch(ends[0], for: .read), file: file, line: line)

        // A limit reached with nothing ready: no event, and not much later.
        var start = MonotonicInstant.now
        XCTAssertEqual(try backend.wait(until: start + .milliseconds(60)).count, 0, file: file, line: line)
        XCTAssertGreaterThanOrEqual(milliseconds(since: start), 59, file: file, line: line)

        // A later limit armed by a wait that readiness ended, then an
        // earlier one: the earlier one ends the next wait.
        XCTAssertEqual(write(ends[1], "x", 1), 1)
        start = MonotonicInstant.now
        XCTAssertEqual(try backend.wait(until: start + .seconds(5)).count, 1, file: file, line: line)
        var byte: UInt8 = 0
        XCTAssertEqual(read(ends[0], &byte, 1), 1)
        let early = MonotonicInstant.now + .milliseconds(40)
        XCTAssertEqual(try backend.wait(until: early).count, 0, file: file, line: line)
        XCTAssertLessThan(milliseconds(since: start), 1000, file: file, line: line)

        // An earlier limit armed, then a later one asked for: the wait may
        // end early (the loop then waits again) but never after the limit.
        for _ in 0..<5 {
            start = MonotonicInstant.now
            let near = start + .milliseconds(30)
            XCTAssertEqual(try backend.wait(until: near).count, 0, file: file, line: line)
            let far = MonotonicInstant.now + .milliseconds(80)
            while MonotonicInstant.now < far {
                XCTAssertEqual(try backend.wait(until: far).count, 0, file: file, line: line)
            }
            XCTAssertLessThan(milliseconds(since: start), 1000, file: file, line: line)
        }

        // A limit already passed returns at once.
        start = MonotonicInstant.now
        _ = try backend.wait(until: start - .milliseconds(10))
        XCTAssertLessThan(milliseconds(since: start), 500, file: file, line: line)

        // Readiness ends a wait long before its limit, with the descriptor.
        XCTAssertEqual(write(ends[1], "x", 1), 1)
        start = MonotonicInstant.now
        let ready = try backend.wait(until: start + .seconds(10))
        XCTAssertEqual(ready.map(\.descriptor), [ends[0]], file: file, line: line)
        XCTAssert(ready.first?.readable == true, file: file, line: line)
        XCTAssertLessThan(milliseconds(since: start), 1000, file: file, line: line)
    }

    private func milliseconds(since start: MonotonicInstant) -> Double {
        let (seconds, attoseconds) = start.duration(to: .now).components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}
