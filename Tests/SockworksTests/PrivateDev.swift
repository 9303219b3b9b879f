import Glibc
import TestSupport

/// A folder whose `dev` subfolder becomes /dev in a mount namespace that
/// `unshare -m` makes for one command: `dev/null` bound to the real
/// /dev/null, `dev/log` a datagram socket the test reads.
struct PrivateDev {
    let folder: TemporaryFolder
    let log: TestDatagramSocket
    private var dev: String { folder.file("dev") }

    init() throws {
        try requireRoot("a mount namespace (unshare -m)")
        folder = try TemporaryFolder()
        let dev = folder.file("dev")
        guard mkdir(dev, 0o755) == 0 else {
            folder.remove()
            throw TestSocketError("mkdir \(dev)")
        }
        do {
            try writeFile(dev + "/null", [])
            log = try TestDatagramSocket(path: dev + "/log")
        } catch {
            unlink(dev + "/null")
            rmdir(dev)
            folder.remove()
            throw error
        }
    }

    /// unshare's arguments to run `sockworks ARGUMENTS` with this /dev.
    func arguments(_ sockworksArguments: String...) throws -> [String] {
        let script = "mount --bind /dev/null \"$1/null\" && mount --bind \"$1\" /dev && shift && exec \"$@\""
        return ["-m", "--propagation", "private", "sh", "-c", script, "sh", dev, try sockworksExecutable().string]
            + sockworksArguments
    }

    func remove() {
        log.close()
        unlink(dev + "/log")
        unlink(dev + "/null")
        rmdir(dev)
        folder.remove()
    }
}
