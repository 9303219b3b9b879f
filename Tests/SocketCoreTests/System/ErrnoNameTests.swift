import Glibc
import SocketCore
import XCTest

final class ErrnoNameTests: XCTestCase {
    /// glibc's own table (strerrorname_np, glibc 2.32), looked up at run
    /// time: it sits behind _GNU_SOURCE, which Swift's Glibc module lacks.
    private typealias NameFunction = @convention(c) (Int32) -> UnsafePointer<CChar>?

    func testEveryLinuxErrnoHasTheNameGlibcGivesIt() throws {
        let symbol = try XCTUnwrap(dlsym(UnsafeMutableRawPointer(bitPattern: 0), "strerrorname_np"))
        let glibcName = unsafeBitCast(symbol, to: NameFunction.self)
        var checked = 0
        for code: Int32 in 1...133 {
            guard let name = glibcName(code) else { continue }  // 41 and 58 are unused numbers
            XCTAssertEqual(errnoName(code), String(cString: name), "errno \(code)")
            checked += 1
        }
        XCTAssertEqual(checked, 131)
    }

    func testSharedNumbersUseTheKernelsName() {
        XCTAssertEqual(errnoName(EWOULDBLOCK), "EAGAIN")
        XCTAssertEqual(errnoName(ENOTSUP), "EOPNOTSUPP")
        XCTAssertEqual(errnoName(EDEADLOCK), "EDEADLK")
    }

    func testUnknownNumbersSayWhatTheyAre() {
        XCTAssertEqual(errnoName(0), "errno 0")
        XCTAssertEqual(errnoName(41), "errno 41")
        XCTAssertEqual(errnoName(4000), "errno 4000")
    }

    func testMessageIsTheCLibrarys() {
        XCTAssertEqual(errnoMessage(ECONNREFUSED), "Connection refused")
        XCTAssertEqual(errnoMessage(ENOENT), "No such file or directory")
    }

    func testEveryErrorTypePrintsTheSameWay() {
        XCTAssertEqual(
            SystemError(code: ENOENT, call: "open", detail: "/x").description,
            "open(/x): ENOENT (No such file or directory)")
        XCTAssertEqual(SocketError(code: EPIPE, call: "send").description, "send: EPIPE (Broken pipe)")
        XCTAssertEqual(
            PacketError(code: EBADMSG, operation: "sc_ipv4_parse").description,
            "sc_ipv4_parse: EBADMSG (Bad message)")
    }
}
