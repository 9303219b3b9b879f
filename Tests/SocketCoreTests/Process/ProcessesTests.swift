import Glibc
import SocketCore
import Synchronization
import TestSupport
import XCTest

final class ProcessesTests: XCTestCase {
    func testForkWaitAndExitStatus() throws {
        switch try Processes.fork() {
        case .child:
            Processes.exitNow(7)
        case .parent(let child):
            XCTAssertEqual(try Processes.wait(for: child), .exited(7))
        }
    }

    func testSignalledChildAndChildrenListing() throws {
        guard case .parent(let child) = try Processes.fork() else {
            while true { pause() }
        }
        XCTAssertTrue(Processes.children().contains(child))
        Processes.send(SIGKILL, to: child)
        XCTAssertEqual(try Processes.wait(for: child), .signaled(SIGKILL))
        XCTAssertFalse(Processes.children().contains(child))
    }

    func testReapEndedCollectsOnlyEndedChildren() throws {
        guard case .parent(let quick) = try Processes.fork() else { Processes.exitNow(0) }
        guard case .parent(let slow) = try Processes.fork() else {
            while true { pause() }
        }
        defer {
            Processes.send(SIGKILL, to: slow)
            _ = try? Processes.wait(for: slow)
        }
        var reaped: [(pid: pid_t, exit: ChildExit)] = []
        _ = blockUntil(timeout: .seconds(10), pollingEvery: .milliseconds(1)) {
            reaped = Processes.reapEnded()
            return !reaped.isEmpty
        }
        XCTAssertEqual(reaped.map(\.pid), [quick])
        XCTAssertEqual(reaped.first?.exit, .exited(0))
    }

    /// A fork waits while another thread works in `withoutForking` (the
    /// child must not inherit what that thread holds), and the child can
    /// take the gate itself: its copy was released.
    func testForkWaitsForWorkWithoutForking() throws {
        let working = Atomic<Int>(0)
        let thread = try PosixThread.start {
            Processes.withoutForking {
                working.store(1, ordering: .sequentiallyConsistent)
                usleep(300_000)
                working.store(2, ordering: .sequentiallyConsistent)
            }
        }
        defer { thread.join() }
        _ = blockUntil(timeout: .seconds(10), pollingEvery: .milliseconds(1)) {
            working.load(ordering: .sequentiallyConsistent) != 0
        }
        XCTAssertEqual(working.load(ordering: .sequentiallyConsistent), 1)
        switch try Processes.fork() {
        case .child:
            // The work had ended before the fork; and the gate is free here.
            let ended = working.load(ordering: .sequentiallyConsistent) == 2
            Processes.withoutForking {}
            Processes.exitNow(ended ? 0 : 1)
        case .parent(let child):
            XCTAssertEqual(working.load(ordering: .sequentiallyConsistent), 2, "the fork did not wait for the work")
            XCTAssertEqual(try Processes.wait(for: child), .exited(0))
        }
    }
}
