import Glibc
import XCTest

@testable import SocketCore

/// The choke point alone, with closures that play the kernel: they set errno
/// and return -1 as a failing system call does.
final class SyscallTests: XCTestCase {
    /// A fake system call that fails with each errno of `failures` in turn,
    /// then returns `success`; counts its calls.
    private final class FakeKernel {
        var failures: [Int32]
        let success: Int32
        private(set) var calls = 0

        init(failing failures: [Int32], then success: Int32 = 0) {
            self.failures = failures
            self.success = success
        }

        func call() -> Int32 {
            calls += 1
            guard !failures.isEmpty else { return success }
            errno = failures.removeFirst()
            return -1
        }
    }

    func testEINTRIsRetriedUntilTheCallSucceeds() throws {
        let kernel = FakeKernel(failing: Array(repeating: EINTR, count: 5), then: 42)
        XCTAssertEqual(try syscall("recv") { kernel.call() }, .processed(42))
        XCTAssertEqual(kernel.calls, 6)
    }

    func testEAGAINIsWouldBlock() throws {
        let kernel = FakeKernel(failing: [EAGAIN])
        XCTAssertEqual(try syscall("recv") { kernel.call() }, .wouldBlock)
        XCTAssertEqual(kernel.calls, 1)
        XCTAssertEqual(try syscall("send") { FakeKernel(failing: [EWOULDBLOCK]).call() }, .wouldBlock)
    }

    func testEINTRThenEAGAINIsWouldBlock() throws {
        let kernel = FakeKernel(failing: [EINTR, EINTR, EAGAIN])
        XCTAssertEqual(try syscall("accept4") { kernel.call() }, .wouldBlock)
        XCTAssertEqual(kernel.calls, 3)
    }

    func testConnectInProgressIsWouldBlock() throws {
        let kernel = FakeKernel(failing: [EINPROGRESS])
        XCTAssertEqual(try syscall("connect", wouldBlock: [EINPROGRESS]) { kernel.call() }, .wouldBlock)
    }

    func testInterruptedConnectIsNotRetried() throws {
        // Calling connect again would say EALREADY: the kernel carries on.
        let kernel = FakeKernel(failing: [EINTR])
        XCTAssertEqual(
            try syscall("connect", interrupt: .wouldBlock, wouldBlock: [EINPROGRESS]) { kernel.call() },
            .wouldBlock)
        XCTAssertEqual(kernel.calls, 1)
    }

    func testCloseIsNotRetriedOnEINTR() throws {
        let kernel = FakeKernel(failing: [EINTR, EINTR])
        XCTAssertEqual(try syscall("close", interrupt: .done, wouldBlock: []) { kernel.call() }, .processed(0))
        XCTAssertEqual(kernel.calls, 1)
    }

    func testRefusedConnectThrowsErrnoNameAndCall() {
        let kernel = FakeKernel(failing: [ECONNREFUSED])
        XCTAssertThrowsError(try syscall("connect", "127.0.0.1:9", wouldBlock: [EINPROGRESS]) { kernel.call() }) {
            let error = $0 as? SocketError
            XCTAssertEqual(error?.code, ECONNREFUSED)
            XCTAssertEqual(error?.call, "connect")
            XCTAssertEqual(error?.detail, "127.0.0.1:9")
            XCTAssertEqual(error?.description, "connect(127.0.0.1:9): ECONNREFUSED (Connection refused)")
        }
        XCTAssertEqual(kernel.calls, 1)
    }

    func testWouldBlockErrnoIsAnErrorWhereNoneIsExpected() {
        // A UNIX-domain connect to a full backlog says EAGAIN: not a wait.
        XCTAssertThrowsError(try syscallValue("connect", "/tmp/x") { FakeKernel(failing: [EAGAIN]).call() }) {
            XCTAssertEqual(
                ($0 as? SocketError)?.description,
                "connect(/tmp/x): EAGAIN (Resource temporarily unavailable)")
        }
    }

    func testDetailIsOnlyWorkedOutOnFailure() throws {
        var evaluated = false
        func detail() -> String {
            evaluated = true
            return "x"
        }
        _ = try syscallValue("bind", detail()) { FakeKernel(failing: []).call() }
        XCTAssertFalse(evaluated)
    }

    func testErrorWithoutDetailNamesTheCallAlone() {
        XCTAssertEqual(SocketError(code: EPIPE, call: "send").description, "send: EPIPE (Broken pipe)")
        XCTAssertEqual(SocketError(code: ENOTSOCK, call: "x").name, "ENOTSOCK")
    }

    func testProgrammerErrnosAreTheOnesThatTrap() {
        for code in [EBADF, EFAULT, ENOTSOCK] { XCTAssertTrue(SystemError.isProgrammerError(code), "\(code)") }
        for code in [ECONNREFUSED, EAGAIN, EINVAL, EPIPE, ECONNRESET] {
            XCTAssertFalse(SystemError.isProgrammerError(code), "\(code)")
        }
    }

    func testShimResultsBecomeErrno() {
        XCTAssertEqual(fromNegativeErrno(7), 7)
        XCTAssertEqual(fromNegativeErrno(-ECONNABORTED), -1)
        XCTAssertEqual(errno, ECONNABORTED)
    }

    func testPollTimeoutRoundsUp() {
        XCTAssertEqual(milliseconds(until: nil), -1)
        XCTAssertEqual(milliseconds(until: .now - .seconds(1)), 0)
        let left = milliseconds(until: .now + .microseconds(1500))
        XCTAssertTrue((1...2).contains(left), "\(left)")
        XCTAssertEqual(milliseconds(until: .now + .seconds(1_000_000_000)), Int32.max)
    }

    func testTimevalConversions() {
        let t = timeval(Duration.milliseconds(1500))
        XCTAssertEqual(t.tv_sec, 1)
        XCTAssertEqual(t.tv_usec, 500_000)
        XCTAssertEqual(timeval(Duration.nanoseconds(1)).tv_usec, 1, "under a microsecond must not mean for ever")
        XCTAssertEqual(timeval(nil).tv_sec, 0)
        XCTAssertEqual(Duration(t), .milliseconds(1500))
        XCTAssertNil(Duration(timeval(nil)))
    }

    /// The sendAll loop with a kernel that takes a few bytes at a time and
    /// is full every other call.
    func testSendAllLoopsOverPartialWritesAndWouldBlock() throws {
        var offsets: [Int] = []
        var waits = 0
        var full = false
        try Socket.sendAll(
            count: 20,
            send: { offset in
                offsets.append(offset)
                full.toggle()
                return full ? .wouldBlock : .processed(min(7, 20 - offset))
            },
            waitUntilWritable: { waits += 1 }
        )
        XCTAssertEqual(offsets, [0, 0, 7, 7, 14, 14])
        XCTAssertEqual(waits, 3)
    }

    func testSendAllPassesErrorsOn() {
        var calls = 0
        XCTAssertThrowsError(
            try Socket.sendAll(
                count: 10,
                send: { _ throws(SocketError) in
                    calls += 1
                    if calls == 1 { return .processed(4) }
                    throw SocketError(code: EPIPE, call: "send")
                },
                waitUntilWritable: {}
            )
        ) { XCTAssertEqual(($0 as? SocketError)?.code, EPIPE) }
        XCTAssertEqual(calls, 2)
    }
}
