/// Where a message is written to: an SMTP data stream, a file, a counter.
/// The writer hands it buffers of up to 64 KiB; every line in them ends
/// CRLF, and no line begins with anything the writer has stuffed (the SMTP
/// layer does its own dot-stuffing).
public protocol MessageOutput: AnyObject {
    func write(_ bytes: UnsafeRawBufferPointer) throws
}

/// The writer's buffer in front of a `MessageOutput`.
final class MessageBuffer {
    static let capacity = 64 << 10

    private let output: any MessageOutput
    private let storage: UnsafeMutableRawBufferPointer
    private var count = 0
    /// The last byte written, to know whether the message ends a line.
    private(set) var lastByte: UInt8 = 0

    init(_ output: any MessageOutput) {
        self.output = output
        storage = .allocate(byteCount: Self.capacity, alignment: 16)
    }

    deinit { storage.deallocate() }

    func append(_ text: String) throws {
        var text = text
        try text.withUTF8 { try append(UnsafeRawBufferPointer($0)) }
    }

    func append(_ bytes: UnsafeRawBufferPointer) throws {
        guard let source = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            if count == Self.capacity { try flush() }
            let taken = min(bytes.count - offset, Self.capacity - count)
            storage.baseAddress!.advanced(by: count).copyMemory(from: source + offset, byteCount: taken)
            count += taken
            offset += taken
        }
        if !bytes.isEmpty { lastByte = bytes[bytes.count - 1] }
    }

    /// Lets `body` write up to `maximum` bytes (at most the capacity) in
    /// place; it returns how many it wrote.
    func write(atMost maximum: Int, _ body: (UnsafeMutableRawBufferPointer) -> Int) throws {
        precondition(maximum <= Self.capacity, "a write larger than the buffer")
        if Self.capacity - count < maximum { try flush() }
        let written = body(UnsafeMutableRawBufferPointer(rebasing: storage[count..<(count + maximum)]))
        count += written
        if written > 0 { lastByte = storage[count - 1] }
    }

    func flush() throws {
        guard count > 0 else { return }
        try output.write(UnsafeRawBufferPointer(rebasing: storage[..<count]))
        count = 0
    }
}
