import Glibc
import TestSupport

/// The site the web server tests serve: small files of known content, a
/// folder to list, dot-files, symlinks in and out of the root, a FIFO.
struct WebFixture: Sendable {
    let folder: TemporaryFolder
    /// Served by the server (`--root`).
    var root: String { folder.file("root") }
    /// Beside the root: what no request may ever reach.
    var outside: String { folder.file("outside") }

    static let hello = Array("hello, world\n".utf8)
    static let secret = Array("the secret outside the root\n".utf8)
    static let kilobyte = pattern(count: 1024, seed: 7)

    init() throws {
        folder = try TemporaryFolder(prefix: "sockworks-web")
        for directory in ["root", "outside", "root/dir", "root/sub", "root/.hidden", "root/assets"] {
            guard mkdir(folder.file(directory), 0o755) == 0 else { throw WireError("mkdir \(directory)") }
        }
        try writeFile(folder.file("outside/secret.txt"), Self.secret)
        try writeFile(file("hello.txt"), Self.hello)
        try writeFile(file("1k.bin"), Self.kilobyte)
        try writeFile(file("index.html"), Array("<!DOCTYPE html><title>home</title><p>home</p>\n".utf8))
        try writeFile(file("sub/index.html"), Array("<p>sub</p>\n".utf8))
        try writeFile(file("dir/a b.txt"), Array("a b\n".utf8))
        try writeFile(file("dir/<script>.txt"), Array("x\n".utf8))
        try writeFile(file(".env"), Array("PASSWORD=1\n".utf8))
        try writeFile(file(".hidden/file.txt"), Array("hidden\n".utf8))
        try writeFile(file("style.CSS"), Array("p { color: red }\n".utf8))
        symlink("hello.txt", file("link-in.txt"))
        symlink(folder.file("outside/secret.txt"), file("link-out.txt"))
        symlink(folder.file("outside"), file("linkdir-out"))
        symlink("../outside/secret.txt", file("relative-out.txt"))
        mkfifo(file("fifo"), 0o644)
    }

    /// A path under the root.
    func file(_ name: String) -> String { root + "/" + name }

    func remove() { folder.remove() }
}
