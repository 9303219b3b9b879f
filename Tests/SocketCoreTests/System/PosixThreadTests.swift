import Glibc
import SocketCore
import Synchronization
import XCTest

final class PosixThreadTests: XCTestCase {
    func testJoinWaitsForTheBody() throws {
        let done = Atomic<Int>(0)
        let threads = try (0..<4).map { _ in
            try PosixThread.start {
                usleep(20_000)
                done.add(1, ordering: .relaxed)
            }
        }
        for thread in threads { thread.join() }
        XCTAssertEqual(done.load(ordering: .relaxed), 4)
    }
}
