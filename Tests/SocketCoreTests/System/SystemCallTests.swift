import Glibc
import SocketCore
import XCTest

/// The public face of the choke point, over real calls and closures that
/// play the kernel.
final class SystemCallTests: XCTestCase {
    func testValueReturnsTheResultAndRetriesEINTR() throws {
        var calls = 0
        let value = try SystemCall.value("read") { () -> Int in
            calls += 1
            if calls < 3 {
                errno = EINTR
                return -1
            }
            return 5
        }
        XCTAssertEqual(value, 5)
        XCTAssertEqual(calls, 3)
    }

    func testFailureNamesCallDetailAndErrno() {
        XCTAssertThrowsError(try SystemCall.value("open", "/no/such/file") { open("/no/such/file", O_RDONLY) }) {
            XCTAssertEqual(($0 as? SystemError)?.description, "open(/no/such/file): ENOENT (No such file or directory)")
        }
    }

    func testResultGivesWouldBlockOnAnEmptyNonBlockingPipe() throws {
        var ends: [Int32] = [-1, -1]
        _ = try SystemCall.value("pipe") { pipe(&ends) }
        defer { for end in ends { try? SystemCall.close(end) } }
        _ = try SystemCall.value("fcntl") { fcntl(ends[0], F_SETFL, O_NONBLOCK) }
        var byte: UInt8 = 0
        XCTAssertEqual(try SystemCall.result("read") { read(ends[0], &byte, 1) }, .wouldBlock)
        XCTAssertEqual(try SystemCall.value("write") { write(ends[1], "x", 1) }, 1)
        XCTAssertEqual(try SystemCall.result("read") { read(ends[0], &byte, 1) }, .processed(1))
        XCTAssertEqual(byte, UInt8(ascii: "x"))
    }

    func testReturnedErrnoIsThrown() throws {
        XCTAssertNoThrow(try SystemCall.returningErrno("pthread_sigmask") { 0 })
        XCTAssertThrowsError(try SystemCall.returningErrno("posix_spawn", "/bin/x") { ENOENT }) {
            XCTAssertEqual(($0 as? SystemError)?.description, "posix_spawn(/bin/x): ENOENT (No such file or directory)")
        }
        // A real one: an invalid `how` for the signal mask.
        var set = sigset_t()
        sigemptyset(&set)
        XCTAssertThrowsError(try SystemCall.returningErrno("pthread_sigmask") { pthread_sigmask(99, &set, nil) }) {
            XCTAssertEqual(($0 as? SystemError)?.code, EINVAL)
        }
    }

    func testNegativeErrnoIsThrownAndResultsPassThrough() throws {
        XCTAssertEqual(try SystemCall.returningNegativeErrno("sc_x") { 12 }, 12)
        XCTAssertThrowsError(try SystemCall.returningNegativeErrno("sc_x") { -ENOSPC }) {
            XCTAssertEqual(($0 as? SystemError)?.description, "sc_x: ENOSPC (No space left on device)")
        }
    }

    func testCloseClosesOnce() throws {
        let descriptor = try SystemCall.value("open") { open("/dev/null", O_RDONLY | O_CLOEXEC) }
        try SystemCall.close(descriptor)
        XCTAssertEqual(fcntl(descriptor, F_GETFD), -1, "the descriptor is closed")
    }
}
