import Glibc
import SocketCore
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
        let deadline = ContinuousClock.now + .seconds(10)
        var reaped: [(pid: pid_t, exit: ChildExit)] = []
        while reaped.isEmpty && ContinuousClock.now < deadline {
            reaped = Processes.reapEnded()
            usleep(1000)
        }
        XCTAssertEqual(reaped.map(\.pid), [quick])
        XCTAssertEqual(reaped.first?.exit, .exited(0))
    }
}
