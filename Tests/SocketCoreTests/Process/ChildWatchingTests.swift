import Glibc
import SocketCore
import XCTest

/// What a server uses to run a CGI script without blocking: a body in a
/// memory file as standard input, one descriptor for several pipes, a
/// descriptor for the child's end, and reaping that leaves spawned children
/// to their owners.
final class ChildWatchingTests: XCTestCase {
    func testAMemoryFileIsTheChildsStandardInputFromItsStart() throws {
        let body = try MemoryFile(name: "body")
        try Array("name=Ada&comment=hi\n".utf8).withUnsafeBytes { try body.write($0) }
        try body.rewind()
        let child = try SpawnedProcess.spawn(
            SpawnRequest(executable: "/bin/cat", standardInput: .descriptor(body.descriptor), standardOutput: .pipe))
        let output = try XCTUnwrap(child.standardOutput).readToEnd()
        XCTAssertEqual(String(decoding: output, as: UTF8.self), "name=Ada&comment=hi\n")
        XCTAssertEqual(try child.wait(), .exited(0))
    }

    func testAStandardStreamDescriptorBelowThreeIsRefused() {
        XCTAssertThrowsError(
            try SpawnedProcess.spawn(SpawnRequest(executable: "/bin/true", standardInput: .descriptor(1)))
        ) { error in
            XCTAssertEqual((error as? SystemError)?.code, EINVAL)
        }
    }

    /// The group is readable while any member is, and not once every member
    /// has been read dry.
    func testAGroupIsReadableWhileAnyMemberIs() throws {
        let group = try ReadinessGroup()
        let first = try PipeEnd.pipe()
        let second = try PipeEnd.pipe()
        for end in [first.read, second.read] {
            try end.withUnsafeFileDescriptor { descriptor throws(SystemError) in try group.add(descriptor) }
            try end.setNonBlocking(true)
        }
        XCTAssertFalse(try isReadable(group.descriptor))
        _ = try [UInt8(7)].withUnsafeBytes { try second.write.write($0) }
        XCTAssertTrue(try isReadable(group.descriptor))
        var byte = [UInt8](repeating: 0, count: 1)
        _ = try byte.withUnsafeMutableBytes { try second.read.read(into: $0) }
        XCTAssertFalse(try isReadable(group.descriptor))
        try first.write.close()  // end of file counts
        XCTAssertTrue(try isReadable(group.descriptor))
        try first.read.withUnsafeFileDescriptor { group.remove($0) }
        XCTAssertFalse(try isReadable(group.descriptor))
    }

    func testTheEndNoticeIsReadableOnceTheChildHasEnded() throws {
        let child = try SpawnedProcess.spawn(SpawnRequest(executable: "/bin/sleep", arguments: ["0.2"]))
        let notice = try ProcessEndNotice(child: child.pid)
        XCTAssertFalse(try isReadable(notice.descriptor))
        XCTAssertTrue(try isReadable(notice.descriptor, within: 10_000))
        XCTAssertEqual(try child.tryWait(), .exited(0))
    }

    /// SIGCHLD handling in a server reaps its forked children; a spawned
    /// script's status stays for the session that owns it.
    func testReapingTheGroupLeavesSpawnedChildrenToTheirOwner() throws {
        let child = try SpawnedProcess.spawn(SpawnRequest(executable: "/bin/true"))
        let notice = try ProcessEndNotice(child: child.pid)
        XCTAssertTrue(try isReadable(notice.descriptor, within: 10_000))
        XCTAssertFalse(Processes.reapEnded().contains { $0.pid == child.pid })
        XCTAssertEqual(try child.wait(), .exited(0))
    }

    private func isReadable(_ descriptor: Int32, within milliseconds: Int32 = 0) throws -> Bool {
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let ready = poll(&entry, 1, milliseconds)
        XCTAssertGreaterThanOrEqual(ready, 0)
        return ready == 1
    }
}
