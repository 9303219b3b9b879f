import Glibc
import SocketCore
import Subprocess
import SystemPackage

/// Files and folders of the server benchmark.
public enum BenchPaths {
    /// This executable's path (/proc/self/exe), to start its own `serve` and
    /// `loadgen` subcommands.
    public static func ownExecutable() throws -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { throw BenchError("cannot find this executable (/proc/self/exe)") }
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Another program built beside this executable (`icmpping`).
    public static func sibling(_ name: String) throws -> String {
        let own = try ownExecutable()
        return own[..<(own.lastIndex(of: "/") ?? own.startIndex)] + "/" + name
    }

    /// The source tree this executable was built in: the nearest folder
    /// above it holding Benchmarks/Peers (where the peers live).
    public static func sourceRoot() -> String? {
        guard var path = try? ownExecutable() else { return nil }
        while let slash = path.lastIndex(of: "/"), slash != path.startIndex {
            path = String(path[..<slash])
            if access(path + "/Benchmarks/Peers", F_OK) == 0 { return path }
        }
        return nil
    }

    /// `20261126T204512Z`: sortable, and safe in a file name.
    public static func timestamp() -> String {
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        var buffer = [CChar](repeating: 0, count: 32)
        let count = strftime(&buffer, buffer.count, "%Y%m%dT%H%M%SZ", &parts)
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Creates `path` and its missing parents.
    public static func makeFolder(_ path: String) throws {
        var built = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            built += "/" + part
            do throws(SystemError) {
                _ = try SystemCall.value("mkdir", built) { mkdir(built, 0o755) }
            } catch  where error.code == EEXIST {
                continue
            } catch {
                throw BenchError("cannot create a folder: \(error)")
            }
        }
    }

    public static func write(_ text: String, to path: String) throws {
        do throws(SystemError) {
            let descriptor = try SystemCall.value("open", path) {
                open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            }
            defer { try? SystemCall.close(descriptor) }
            let bytes = Array(text.utf8)
            var offset = 0
            while offset < bytes.count {
                offset += try SystemCall.value("write", path) {
                    bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
                }
            }
        } catch {
            throw BenchError("cannot write a file: \(error)")
        }
    }

    /// Runs gnuplot on the chart script in `folder`; false when gnuplot is
    /// missing or fails.
    public static func renderCharts(in folder: String, script: String = EchoChart.scriptFile) async -> Bool {
        guard
            let result = try? await Subprocess.run(
                .name("gnuplot"), arguments: [script], workingDirectory: FilePath(folder),
                output: .discarded, error: .discarded)
        else { return false }
        return result.terminationStatus == .exited(0)
    }
}

/// The peers: where they are, and building the SwiftNIO one when missing.
public enum PeerBuilder {
    public enum Outcome {
        case success(EchoTarget)
        case failure(String)
    }

    public static func target(for name: String, progress: @Sendable (String) -> Void) async -> Outcome {
        guard let root = BenchPaths.sourceRoot() else {
            return .failure("the source tree (Benchmarks/Peers) is not above this executable")
        }
        switch name {
        case "asyncio":
            guard
                (try? await Subprocess.run(
                    .name("python3"), arguments: ["-c", "import asyncio"],
                    output: .discarded, error: .discarded))?.terminationStatus == .exited(0)
            else {
                return .failure("python3 with asyncio is not installed")
            }
            return .success(
                EchoTarget(
                    name: "asyncio", isPeer: true,
                    command: ["python3", root + "/Benchmarks/Peers/asyncio-echo.py"]))
        case "nio":
            let package = root + "/Benchmarks/Peers/NIOEchoServer"
            let binary = package + "/.build/release/NIOEchoServer"
            if access(binary, X_OK) != 0 {
                progress(
                    "building the SwiftNIO echo server (swift build -c release in \(package); a few minutes, once)")
                let built = try? await Subprocess.run(
                    .name("swift"), arguments: ["build", "-c", "release", "--package-path", package],
                    output: .discarded, error: .string(limit: 1 << 20))
                guard built?.terminationStatus == .exited(0), access(binary, X_OK) == 0 else {
                    let why =
                        built?.standardError.split(separator: "\n").last.map(String.init) ?? "swift is not on PATH"
                    return .failure("building NIOEchoServer failed: \(why)")
                }
            }
            // One event loop: the server is pinned to one CPU, and NIO's
            // default (the cgroup's cores) would put two loops on it.
            return .success(EchoTarget(name: "nio", isPeer: true, command: [binary, "--threads", "1"]))
        default:
            return .failure("unknown peer")
        }
    }
}
