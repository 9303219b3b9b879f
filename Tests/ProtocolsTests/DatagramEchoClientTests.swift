import Glibc
import Protocols
import SocketCore
import Streams
import SystemPackage
import XCTest

final class DatagramEchoClientTests: XCTestCase {
    /// The lines before a line too long have their exchange; then the
    /// client says why it stopped.
    func testALineTooLongEndsTheExchangeWithAnError() throws {
        let server = try Socket(family: .ipv4, type: .datagram)
        defer { try? server.close() }
        try server.bind(to: .loopbackIPv4(port: 0))
        let client = try Socket(family: .ipv4, type: .datagram)
        defer { try? client.close() }
        try client.connect(to: try server.localAddress)
        let echo = try PosixThread.start {
            guard let (datagram, sender) = try? server.receiveFrom(maxCount: 100).value, let sender else { return }
            _ = try? server.send(datagram, to: sender)
        }

        let (inputRead, inputWrite) = try FileDescriptor.pipe()
        defer { try? inputRead.close() }
        _ = try inputWrite.writeAll(Array("hi\n0123456789\nnever\n".utf8))
        try inputWrite.close()
        let (outputRead, outputWrite) = try FileDescriptor.pipe()
        defer { try? outputRead.close() }

        XCTAssertThrowsError(
            try DatagramEchoClient().run(
                socket: client, lines: ByteLines(inputRead, maxLength: 8),
                output: outputWrite)
        ) {
            XCTAssertEqual("\($0)", "standard input: a line longer than 8 bytes")
        }
        echo.join()
        try outputWrite.close()
        var echoed = [UInt8](repeating: 0, count: 100)
        let count = try echoed.withUnsafeMutableBytes { try outputRead.read(into: $0) }
        XCTAssertEqual(Array(echoed[..<count]), Array("hi\n".utf8))
    }
}
