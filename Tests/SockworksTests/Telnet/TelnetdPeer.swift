import Glibc
import SystemPackage
import TestSupport

/// inetutils' telnetd on 127.0.0.1, run by socat for each connection with a
/// login program of the test's own (`-E`, never the machine's login): it
/// asks `login: ` and `Password: ` (echo off), greets the user with the
/// terminal type telnetd took from TERMINAL-TYPE, then runs commands line
/// by line at a `$ ` prompt: `size` prints the terminal's size (stty
/// size, which telnetd sets from NAWS), `exit` ends, anything else is
/// echoed back as `ran: ...`.
struct TelnetdPeer {
    static let telnetd = "/usr/sbin/telnetd"
    static let user = "alice"
    static let password = "s3cret"

    static let loginProgram = """
        #!/bin/sh
        printf 'login: '
        read -r user
        stty -echo
        printf 'Password: '
        read -r password
        stty echo
        printf '\\n'
        if [ "$user" != "\(user)" ] || [ "$password" != "\(password)" ]; then
          echo 'Login incorrect'
          exit 1
        fi
        echo "Welcome $user ($TERM)"
        while printf '$ ' && read -r command; do
          case "$command" in
            size) stty size ;;
            exit) exit 0 ;;
            *) echo "ran: $command" ;;
          esac
        done

        """

    let port: UInt16
}

/// Runs `body` with a telnetd peer listening; socat and telnetd (a process
/// group of their own) are gone afterwards.
func withTelnetd<Value: Sendable>(
    in folder: TemporaryFolder, _ body: (TelnetdPeer) async throws -> Value
) async throws -> Value {
    let login = folder.file("login.sh")
    try writeFile(login, Array(TelnetdPeer.loginProgram.utf8))
    guard chmod(login, 0o755) == 0 else { throw TestFailure("chmod \(login)") }
    let port = try unusedTCPPort()
    let (value, _) = try await withProgram(
        FilePath("/usr/bin/socat"),
        ["TCP-LISTEN:\(port),bind=127.0.0.1,reuseaddr,fork", "EXEC:\(TelnetdPeer.telnetd) -E \(login)"],
        ownProcessGroup: true
    ) { socat in
        guard try await waitUntilListening(port: port) else { throw TestFailure("socat is not listening on \(port)") }
        return try await body(TelnetdPeer(port: port))
    }
    return value
}
