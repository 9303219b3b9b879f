import Glibc
import SocketCore

/// The secret a control port asks for on every line, read from a file (as
/// HAProxy and Redis read theirs) rather than from the command line, where
/// `ps` would show it to every user of the machine.
public enum ControlToken {
    /// The most a token file may hold; a token is a word, not a document.
    static let maximumBytes = 1024

    /// The token in the file at `path`: its bytes, without the line end it
    /// may have. Refuses a file others may read or write (the token would be
    /// no secret), an empty one, and one that is not a word of printable
    /// ASCII (a line of the protocol could not carry it).
    public static func read(path: String) throws(ServerError) -> [UInt8] {
        let bytes: [UInt8]
        let mode: mode_t
        do {
            (bytes, mode) = try contents(path)
        } catch {
            throw ServerError("token file \(path): \(error)")
        }
        guard mode & (S_IROTH | S_IWOTH) == 0 else {
            throw ServerError("token file \(path) is readable or writable by others (chmod o-rw)")
        }
        var token = bytes[...]
        if token.last == UInt8(ascii: "\n") { token.removeLast() }
        if token.last == UInt8(ascii: "\r") { token.removeLast() }
        guard !token.isEmpty else { throw ServerError("token file \(path) is empty") }
        guard token.allSatisfy({ (0x21...0x7e).contains($0) }) else {
            throw ServerError("token file \(path): the token must be one word of printable ASCII")
        }
        return Array(token)
    }

    /// The file's first bytes (one more than a token may have) and its mode.
    private static func contents(_ path: String) throws(SystemError) -> ([UInt8], mode_t) {
        let descriptor = try SystemCall.value("open", path) { open(path, O_RDONLY | O_CLOEXEC) }
        defer { try? SystemCall.close(descriptor) }
        var status = stat()
        _ = try SystemCall.value("fstat", path) { fstat(descriptor, &status) }
        guard status.st_mode & S_IFMT == S_IFREG else { throw SystemError(code: EINVAL, call: "open", detail: path) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: maximumBytes + 1, alignment: 1)
        defer { buffer.deallocate() }
        var count = 0
        while count < buffer.count {
            let read = try SystemCall.value("read", path) {
                Glibc.read(descriptor, buffer.baseAddress! + count, buffer.count - count)
            }
            if read == 0 { break }
            count += read
        }
        guard count <= maximumBytes else { throw SystemError(code: EFBIG, call: "read", detail: path) }
        return (Array(buffer[..<count]), status.st_mode)
    }
}
