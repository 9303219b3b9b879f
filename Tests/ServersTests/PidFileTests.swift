import Foundation
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
        folder = try XCTUnwrap(template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }.map { String(cString: $0) })
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
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data("4000000\n".utf8)))
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
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data("someone else\n".utf8)))
        ours.remove()
        XCTAssertEqual(contents(path), "someone else\n")
    }

    func testARelativePathIsMadeAbsolute() throws {
        let previous = FileManager.default.currentDirectoryPath
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
            XCTAssertEqual("\(error)", "cannot open pidfile \(folder)/missing/server.pid: ENOENT (No such file or directory)")
        }
    }

    private func contents(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }
}
