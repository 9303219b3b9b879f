import Foundation
import Glibc
import XCTest

@testable import Bench

final class BenchPathsTests: XCTestCase {
    private func temporaryFolder() throws -> String {
        var template = Array("/tmp/sockworks-benchpaths-XXXXXX".utf8CString)
        let folder = String(cString: try XCTUnwrap(mkdtemp(&template)))
        addTeardownBlock { try? FileManager.default.removeItem(atPath: folder) }
        return folder
    }

    func testFoldersAreMadeWithTheirParentsAndTwiceIsFine() throws {
        let folder = try temporaryFolder()
        try BenchPaths.makeFolder(folder + "/a/b/c")
        try BenchPaths.makeFolder(folder + "/a/b/c")
        var status = stat()
        XCTAssertEqual(stat(folder + "/a/b/c", &status), 0)
        XCTAssertEqual(status.st_mode & S_IFMT, S_IFDIR)
    }

    func testWrittenTextReadsBack() throws {
        let path = try temporaryFolder() + "/results.json"
        let text = String(repeating: "0123456789abcdef", count: 20_000)  // more than one write may take
        try BenchPaths.write(text, to: path)
        let file = try XCTUnwrap(fopen(path, "r"))
        defer { fclose(file) }
        var bytes = [UInt8](repeating: 0, count: text.utf8.count + 1)
        XCTAssertEqual(fread(&bytes, 1, bytes.count, file), text.utf8.count)
        XCTAssertEqual(String(decoding: bytes.dropLast(), as: UTF8.self), text)
    }

    func testFailuresNameTheCallThePathAndTheErrno() throws {
        let folder = try temporaryFolder()
        XCTAssertThrowsError(try BenchPaths.write("x", to: folder + "/missing/results.json")) {
            XCTAssertEqual(
                "\($0)",
                "cannot write a file: open(\(folder)/missing/results.json): "
                    + "ENOENT (No such file or directory)")
        }
        try BenchPaths.write("x", to: folder + "/file")
        XCTAssertThrowsError(try BenchPaths.makeFolder(folder + "/file/sub")) {
            XCTAssertEqual("\($0)", "cannot create a folder: mkdir(\(folder)/file/sub): ENOTDIR (Not a directory)")
        }
    }
}
