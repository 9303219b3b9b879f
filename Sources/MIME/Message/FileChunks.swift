import Glibc
import SocketCore

/// Reading the files a message is made of, a chunk at a time.
enum FileChunks {
    /// 57 KiB: a whole number of base64 lines (57 bytes each), so a chunk's
    /// encoding ends at a line end.
    static let chunkSize = Base64Encoder.bytesPerLine * 1024

    /// Checks that `path` is a regular file this process can open for
    /// reading; returns its size.
    static func check(_ path: String, role: String) throws(MailFormatError) -> Int {
        do {
            return Int(try OpenFile(path: path).size)
        } catch {
            throw .unreadable(role: role, path: path, error)
        }
    }

    /// Calls `body` with each chunk of the file at `path`, in order.
    static func forEach(
        in path: String, role: String, _ body: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        let file: OpenFile
        do {
            file = try OpenFile(path: path)
        } catch {
            throw MailFormatError.unreadable(role: role, path: path, error)
        }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count: Int
            do {
                count = try SystemCall.value("read", path) {
                    Glibc.read(file.descriptor, buffer.baseAddress, chunkSize)
                }
            } catch {
                throw MailFormatError.unreadable(role: role, path: path, error)
            }
            if count == 0 { return }
            try body(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
        }
    }

    /// Everything on standard input, read when the content is made.
    static func readStandardInput(role: String) throws(MailFormatError) -> [UInt8] {
        var bytes: [UInt8] = []
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 << 10, alignment: 16)
        defer { chunk.deallocate() }
        while true {
            let count: Int
            do {
                count = try SystemCall.value("read", "standard input") {
                    Glibc.read(STDIN_FILENO, chunk.baseAddress, chunk.count)
                }
            } catch {
                throw .unreadable(role: role, path: "-", error)
            }
            if count == 0 { return bytes }
            bytes += chunk[..<count]
        }
    }
}

/// Where the bytes of a body come from, read a chunk at a time.
enum BodyChunks: Sendable {
    case file(String, role: String)
    case bytes([UInt8])

    func forEach(_ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        switch self {
        case .file(let path, let role): try FileChunks.forEach(in: path, role: role, body)
        case .bytes(let bytes): try bytes.withUnsafeBytes { try body($0) }
        }
    }
}

extension MailFormatError {
    /// `unreadableFile` with the system error's name and message.
    static func unreadable(role: String, path: String, _ error: SystemError) -> MailFormatError {
        .unreadableFile(role: role, path: path, reason: "\(error.name) (\(error.message))")
    }
}
