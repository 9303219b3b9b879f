import SystemPackage

/// The password of `--password-file`: the file's first line, without its
/// line ending. A file and not a flag, so that the password is never in
/// the process list or the shell's history.
enum PasswordFile {
    /// More than any password; a larger file is not a password file.
    static let maximumSize = 4096

    static func read(_ path: String) throws(MailArgumentError) -> String {
        let bytes: [UInt8]
        do {
            let descriptor = try FileDescriptor.open(FilePath(path), .readOnly, options: .closeOnExec)
            defer { try? descriptor.close() }
            var buffer = [UInt8](repeating: 0, count: maximumSize + 1)
            let count = try buffer.withUnsafeMutableBytes { try descriptor.read(into: $0) }
            guard count <= maximumSize else {
                throw MailArgumentError.invalid("--password-file \(path): larger than \(maximumSize) bytes")
            }
            bytes = Array(buffer[..<count])
        } catch let error as MailArgumentError {
            throw error
        } catch {
            throw .invalid("--password-file \(path): \(error)")
        }
        let line = bytes.prefix { $0 != 0x0A }
        let password = line.last == 0x0D ? line.dropLast() : line
        guard !password.isEmpty else { throw .invalid("--password-file \(path): no password on its first line") }
        guard !password.contains(0) else { throw .invalid("--password-file \(path): a NUL byte in the password") }
        guard let text = String(validating: password, as: UTF8.self) else {
            throw .invalid("--password-file \(path): the password is not UTF-8")
        }
        return text
    }
}
