import Glibc
import TestSupport

/// A document root and a script folder for the CGI tests: scripts of the
/// tests' own (POSIX sh, so that they start fast) that print what they were
/// given, answer in each form RFC 3875 has, fail in each way the textbook's
/// troubleshooter lists, or misbehave (sleep, write without end, leave
/// children), and a script outside the folder that no request may run.
struct ScriptFixture: Sendable {
    let folder: TemporaryFolder
    var root: String { folder.file("root") }
    var scripts: String { folder.file("cgi-bin") }
    /// Where scripts write their pids, and the outside script its marker.
    var state: String { folder.file("state") }
    var marker: String { state + "/outside-script-ran" }

    static let hello = Array("hello from the root\n".utf8)

    init() throws {
        folder = try TemporaryFolder(prefix: "sockworks-cgi")
        for directory in ["root", "cgi-bin", "outside", "state"] {
            guard mkdir(folder.file(directory), 0o755) == 0 else { throw WireError("mkdir \(directory)") }
        }
        try writeFile(folder.file("root/hello.txt"), Self.hello)
        let state = self.state
        let scripts: [(name: String, text: String, mode: mode_t)] = [
            (
                "env.sh",
                """
                #!/bin/sh
                printf 'Content-Type: text/plain\\r\\n\\r\\n'
                env
                echo "argc=$#"
                echo "stdin:"
                cat
                """, 0o755
            ),
            ("document.sh", "#!/bin/sh\nprintf 'Content-Type: text/plain\\nContent-Length: 5\\n\\nhello'\n", 0o755),
            (
                "status.sh", "#!/bin/sh\nprintf 'Status: 418 Short And Stout\\nContent-Type: text/plain\\n\\ntea\\n'\n",
                0o755
            ),
            ("local.sh", "#!/bin/sh\nprintf 'Location: /hello.txt\\n\\n'\n", 0o755),
            ("loop.sh", "#!/bin/sh\nprintf 'Location: /cgi-bin/loop.sh\\n\\n'\n", 0o755),
            ("client.sh", "#!/bin/sh\nprintf 'Location: http://127.0.0.2/elsewhere\\n\\n'\n", 0o755),
            ("no-interpreter", "printf 'Content-Type: text/plain\\n\\nran\\n'\n", 0o755),
            ("not-executable.sh", "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\nran\\n'\n", 0o644),
            ("bad-header.sh", "#!/bin/sh\nprintf 'This is not a header\\n\\n'\n", 0o755),
            ("dies-early.sh", "#!/bin/sh\necho 'dies-early: the database is down' >&2\nexit 3\n", 0o755),
            (
                "sleeper.sh",
                """
                #!/bin/sh
                echo $$ > \(state)/sleeper.pid
                sleep 60 &
                echo $! > \(state)/sleeper-child.pid
                sleep 60
                """, 0o755
            ),
            (
                "endless.sh",
                """
                #!/bin/sh
                echo $$ > \(state)/endless.pid
                printf 'Content-Type: text/plain\\n\\n'
                while :; do echo 'an endless line of output, sixty-four bytes long, and again...'; done
                """, 0o755
            ),
            ("slow.sh", "#!/bin/sh\nsleep 2\nprintf 'Content-Type: text/plain\\n\\nslow\\n'\n", 0o755),
            (
                "big.sh",
                "#!/bin/sh\nprintf 'Content-Type: application/octet-stream\\n\\n'\nhead -c 104857600 /dev/zero\n",
                0o755
            ),
        ]
        for script in scripts {
            try writeFile(folder.file("cgi-bin/" + script.name), Array(script.text.utf8))
            chmod(folder.file("cgi-bin/" + script.name), script.mode)
        }
        let outside = folder.file("outside/evil.sh")
        try writeFile(
            outside, Array("#!/bin/sh\ntouch \(marker)\nprintf 'Content-Type: text/plain\\n\\nran\\n'\n".utf8))
        chmod(outside, 0o755)
        symlink(outside, folder.file("cgi-bin/escape.sh"))
        try writeFile(folder.file("root/evil.sh"), try readFile(outside))
        chmod(folder.file("root/evil.sh"), 0o755)
    }

    /// A pid a script wrote into the state folder.
    func pid(_ name: String) -> pid_t? {
        (try? readFile(state + "/" + name + ".pid")).flatMap {
            pid_t(String(decoding: $0.filter { (0x30...0x39).contains($0) }, as: UTF8.self))
        }
    }

    func remove() { folder.remove() }
}

/// Whether `pid` is gone: no process, not even a zombie.
func processIsGone(_ pid: pid_t) -> Bool { ProcessStat(pid: pid) == nil }
