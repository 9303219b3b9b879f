import Glibc
import SocketCore

/// The files the web-server benchmark serves: written once into the
/// document root of a run, and read back by the load generator to check
/// every body against.
public enum HTTPFiles {
    /// The small file of the keep-alive and connection-per-request runs.
    public static let small = HTTPFile(name: "file-1k.bin", size: 1024)
    /// The large file: a transfer that sendfile(2) and the socket buffers
    /// dominate, not the request.
    public static let large = HTTPFile(name: "file-64m.bin", size: 64 << 20)

    /// Bytes that differ from file to file and along each file (a
    /// misplaced or repeated chunk shows), from a 64-bit LCG (Knuth's
    /// MMIX constants) seeded by the size.
    public static func content(size: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: size)
        var state = UInt64(size) &* 0x9e37_79b9_7f4a_7c15 | 1
        bytes.withUnsafeMutableBytes { raw in
            for index in stride(from: 0, to: size, by: 8) {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                withUnsafeBytes(of: state.littleEndian) { word in
                    for offset in 0..<min(8, size - index) { raw[index + offset] = word[offset] }
                }
            }
        }
        return bytes
    }

    /// Writes `files` into `folder` (created when missing).
    public static func writeRoot(_ folder: String, files: [HTTPFile]) throws {
        try BenchPaths.makeFolder(folder)
        for file in files { try write(content(size: file.size), to: folder + "/" + file.name) }
    }

    public static func write(_ bytes: [UInt8], to path: String) throws {
        do throws(SystemError) {
            let descriptor = try SystemCall.value("open", path) {
                open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            }
            defer { try? SystemCall.close(descriptor) }
            var offset = 0
            while offset < bytes.count {
                offset += try SystemCall.value("write", path) {
                    bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
                }
            }
        } catch {
            throw BenchError("cannot write \(path): \(error)")
        }
    }

    /// The whole content of the file at `path`.
    public static func contents(of path: String) throws -> [UInt8] {
        do throws(SystemError) {
            let descriptor = try SystemCall.value("open", path) { open(path, O_RDONLY | O_CLOEXEC) }
            defer { try? SystemCall.close(descriptor) }
            var bytes: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 1 << 20)
            while true {
                let count = try SystemCall.value("read", path) {
                    chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                }
                if count == 0 { return bytes }
                bytes += chunk[..<count]
            }
        } catch {
            throw BenchError("cannot read \(path): \(error)")
        }
    }
}

/// A file of the benchmark's document root.
public struct HTTPFile: Codable, Sendable, Hashable {
    public var name: String
    public var size: Int

    public init(name: String, size: Int) {
        self.name = name
        self.size = size
    }

    public var path: String { "/" + name }
}
