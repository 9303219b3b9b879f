import SocketCore
import TestSupport

/// Receives exactly `count` bytes (fails on end of file or timeout).
func receiveExactly(_ socket: Socket, _ count: Int) throws -> [UInt8] {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(count)
    while bytes.count < count {
        guard let chunk = try socket.receive(maxCount: min(65536, count - bytes.count)).value else {
            throw TestFailure("receive timed out after \(bytes.count) of \(count) bytes")
        }
        guard !chunk.isEmpty else { throw TestFailure("end of file after \(bytes.count) of \(count) bytes") }
        bytes += chunk
    }
    return bytes
}
