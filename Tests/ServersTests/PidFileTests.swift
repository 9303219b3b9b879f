import Glibc
import XCTest

@testable import Servers

/// The pid file's lock, stale takeover and removal, within one process:
/// flock(2) locks belong to an open file description, so a second open of
/// the same file conflicts with the first as another process's would.
final class PidFileTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws {
        var template = Array("/tmp/sockworks-pidfile-XXXXXX".utf8CString)
        folder = try XCTUnwrap(
            template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }.map { String(cString: $0) })
    }

    override func tearDown() {
        for name in ["server.pid", "fifo"] { unlink(folder + "/" + name) }
        rmdir(folder)
    }

    private var path: String { folder + "/server.pid" }

    func testAHeldFileIsRefusedWithTheHoldersPid() throws {
        let held = try PidFile(path: path)
        defer { held.remove() }
        XCTAssertThrowsError(try PidFile(path: path)) { error in
            XCTAssertEqual("\(error)", "pidfile \(path) is held by a process that has not written its pid yet")
        }
        try held.writePid()
        XCTAssertEqual(contents(path), "\(getpid())\n")
        XCTAssertThrowsError(try PidFile(path: path)) { error in
            XCTAssertEqual("\(error)", "pidfile \(path) is held by pid \(getpid())")
        }
        XCTAssertEqual(contents(path), "\(getpid())\n", "a refused open leaves the file alone")
    }

    func testAStaleFileIsTakenOverAndEmptiedAtOnce() throws {
        XCTAssertTrue(create(path, "4000000\n"))
        let taken = try PidFile(path: path)
        XCTAssertEqual(contents(path), "", "a dead holder's pid is never shown as ours")
        try taken.writePid()
        XCTAssertEqual(contents(path), "\(getpid())\n")
        taken.remove()
        XCTAssertNil(contents(path), "removed")
        let again = try PidFile(path: path)
        again.remove()
    }

    func testRemoveLeavesAFileThatReplacedOurs() throws {
        let ours = try PidFile(path: path)
        unlink(path)
        XCTAssertTrue(create(path, "someone else\n"))
        ours.remove()
        XCTAssertEqual(contents(path), "someone else\n")
    }

    func testARelativePathIsMadeAbsolute() throws {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX))
        let previous = String(cString: try XCTUnwrap(getcwd(&buffer, buffer.count)))
        XCTAssertEqual(chdir(folder), 0)
        defer { chdir(previous) }
        let file = try PidFile(path: "server.pid")
        defer { file.remove() }
        XCTAssertEqual(file.path, path)
    }

    func testOnlyARegularFileServes() throws {
        let fifo = folder + "/fifo"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        XCTAssertThrowsError(try PidFile(path: fifo)) { error in
            XCTAssertEqual("\(error)", "pidfile \(fifo) is not a regular file")
        }
        var status = stat()
        XCTAssertEqual(lstat(fifo, &status), 0, "not removed")
        XCTAssertThrowsError(try PidFile(path: folder + "/missing/server.pid")) { error in
            XCTAssertEqual(
                "\(error)",
                "pidfile: open(\(folder)/missing/server.pid): ENOENT (No such file or directory)")
        }
    }

    /// The file's text; nil when it does not exist. (Plain read(2): the
    /// test checks bytes the pid file wrote, nothing more.)
    private func contents(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: 256)
        let count = read(descriptor, &buffer, buffer.count)
        return count >= 0 ? String(decoding: buffer[..<count], as: UTF8.self) : nil
    }

    private func create(_ path: String, _ text: String) -> Bool {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        return write(descriptor, text, text.utf8.count) == text.utf8.count
    }
}
