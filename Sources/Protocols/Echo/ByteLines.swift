import SocketCore
import Streams
import SystemPackage

/// The lines of an input as raw bytes: split on "\n" only, the newline
/// dropped, nothing decoded (a "\r" or an invalid UTF-8 byte is part of the
/// line). A last line without a newline is still a line.
///
/// Each line is at most `maxLength` bytes, so that an input without
/// newlines cannot fill the memory. The lines end at the end of the input,
/// at a failed read (what had come of the last line is still a line: the
/// client then reports what it has done), or at a line longer than
/// `maxLength`; `failure` then says which of the last two it was.
///
/// A class, so that a copy made by `for line in lines` reads on the same
/// input and leaves its `failure` where the caller can see it.
public final class ByteLines: Sequence, IteratorProtocol {
    /// The longest line by default, far beyond the largest datagram (64 KiB
    /// over UDP, a few hundred KiB over UNIX sockets): no line that could be
    /// sent as one is refused.
    public static let defaultMaxLength = 1 << 20

    public let maxLength: Int
    /// Why the lines ended before the end of the input; nil while they have
    /// not, or when they ended with the input.
    public private(set) var failure: StreamError?
    private let reader: BufferedReader
    private var isFinished = false

    /// The lines of a descriptor, standard input say (not closed at the end).
    public convenience init(_ input: FileDescriptor, maxLength: Int = ByteLines.defaultMaxLength) {
        self.init(FileDescriptorStream(input), maxLength: maxLength)
    }

    public init(_ input: any ByteStream, maxLength: Int = ByteLines.defaultMaxLength) {
        reader = BufferedReader(input)
        self.maxLength = maxLength
    }

    public func next() -> [UInt8]? {
        guard !isFinished else { return nil }
        do throws(StreamError) {
            if let line = try reader.read(until: [UInt8(ascii: "\n")], maxLength: maxLength) { return line }
        } catch {
            isFinished = true
            if case .tooLong = error {
                failure = error
                return nil
            }
            if case .endOfStream = error {} else { failure = error }
            // The last line had no newline, or its read failed: what came
            // of it is a line all the same.
            let rest = reader.takeBuffered()
            return rest.isEmpty ? nil : rest
        }
        isFinished = true
        return nil
    }
}
