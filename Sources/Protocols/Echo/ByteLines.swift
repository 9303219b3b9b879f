import SystemPackage

/// The lines of a file descriptor as raw bytes: split on "\n" only, the
/// newline dropped, nothing decoded (a "\r" or an invalid UTF-8 byte is
/// part of the line). A last line without a newline is still a line.
public struct ByteLines: Sequence, IteratorProtocol {
    private let input: FileDescriptor
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false

    public init(_ input: FileDescriptor) { self.input = input }

    public mutating func next() -> [UInt8]? {
        while true {
            if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                defer { start = newline + 1 }
                return Array(buffer[start..<newline])
            }
            if atEnd {
                guard start < buffer.count else { return nil }
                defer { start = buffer.count }
                return Array(buffer[start...])
            }
            buffer.removeSubrange(..<start)
            start = 0
            var chunk = [UInt8](repeating: 0, count: 4096)
            // A read error ends the input like end of file: the client then
            // reports what it has done.
            let count = (try? chunk.withUnsafeMutableBytes { try input.read(into: $0) }) ?? 0
            if count == 0 { atEnd = true } else { buffer.append(contentsOf: chunk[..<count]) }
        }
    }
}
