import XCTest

/// Runs the built `sockworks` executable, as a user would.
final class CommandLineTests: XCTestCase {
    func testChecksumBenchmarkQuickTable() async throws {
        let run = try await runSockworks(["bench", "checksum", "--quick", "--sizes", "64", "1500"])
        XCTAssertEqual(run.exitCode, 0, run.standardError)
        XCTAssertTrue(run.standardOutput.contains("read limit"), run.standardOutput)
        XCTAssertTrue(run.standardOutput.contains("textbook RFC 1071"))
        XCTAssertTrue(run.standardOutput.contains("dispatched / read limit"))
        XCTAssertTrue(run.standardOutput.contains("goals:"))
        XCTAssertTrue(run.standardError.contains("checksum: 64 B"))
    }

    func testChecksumBenchmarkCSV() async throws {
        let run = try await runSockworks(["bench", "checksum", "--quick", "--sizes", "2K", "--format", "csv"])
        XCTAssertEqual(run.exitCode, 0, run.standardError)
        let lines = run.standardOutput.split(separator: "\n")
        XCTAssertEqual(lines.first, "kernel,size,gb_per_s,ns_per_call")
        XCTAssertTrue(lines.dropFirst().allSatisfy { $0.contains(",2048,") }, run.standardOutput)
        XCTAssertTrue(lines.contains { $0.hasPrefix("textbook,") })
        XCTAssertTrue(run.standardError.isEmpty, "no progress lines in CSV mode: \(run.standardError)")
    }

    func testBadOptionsAreRejectedClearly() async throws {
        let rounds = try await runSockworks(["bench", "checksum", "--rounds", "0"])
        XCTAssertEqual(rounds.exitCode, 2)
        XCTAssertEqual(
            rounds.standardError,
            "sockworks: --rounds must be at least 1 (see 'sockworks bench checksum --help')\n")
        let size = try await runSockworks(["bench", "checksum", "--sizes", "12Q"])
        XCTAssertEqual(size.exitCode, 2)
        XCTAssertTrue(size.standardError.hasPrefix("sockworks: "), size.standardError)
        XCTAssertTrue(size.standardError.contains("12Q"), size.standardError)
        XCTAssertEqual(size.standardError.filter { $0 == "\n" }.count, 1, size.standardError)
        let cpu = try await runSockworks(["bench", "checksum", "--quick", "--cpu", "4096"])
        XCTAssertEqual(cpu.exitCode, 1)
        XCTAssertEqual(
            cpu.standardError,
            "sockworks: cannot pin the thread: sched_setaffinity(CPU 4096): EINVAL (Invalid argument)\n")
    }

    /// A bad item of a list option, alone or among good ones, is named with
    /// what is valid, on one line, before anything is measured.
    func testBadListItemsAreNamedWithTheValidOnes() async throws {
        let models = "iterative, thread, select, poll, fork, fork2, prefork, epoll, epoll-c"
        let cases: [([String], String)] = [
            (
                ["--models", "epol"],
                "The value 'epol' is invalid for '--models <models>': 'epol' is not one of \(models)"
            ),
            (
                ["--models", "epoll,epol"],
                "The value 'epoll,epol' is invalid for '--models <models>': 'epol' is not one of \(models)"
            ),
            (
                ["--connections", "1,,2"],
                "The value '1,,2' is invalid for '--connections <connections>': "
                    + "an empty item (each item is a whole number in 1...20000)"
            ),
            (
                ["--connections", "1,16", "0"],
                "The value '0' is invalid for '--connections <connections>': '0' is not a whole number in 1...20000"
            ),
            (
                ["--peers", "nio,ngx"],
                "The value 'nio,ngx' is invalid for '--peers <peers>': 'ngx' is not one of nio, asyncio, none"
            ),
            (["--peers", "nio,none"], "--peers none stands alone"),
        ]
        for (arguments, message) in cases {
            let run = try await runSockworks(["bench", "servers"] + arguments)
            XCTAssertEqual(run.exitCode, 2, "\(arguments)")
            XCTAssertEqual(run.standardError, "sockworks: \(message) (see 'sockworks bench servers --help')\n")
            XCTAssertEqual(run.standardOutput, "")
        }
        let sizes = try await runSockworks(["bench", "checksum", "--sizes", "64,12Q"])
        XCTAssertEqual(sizes.exitCode, 2)
        XCTAssertEqual(
            sizes.standardError,
            "sockworks: The value '64,12Q' is invalid for '--sizes <sizes>': "
                + "'12Q' is not a byte count such as 1500, 64K or 16M (1 B to 1 GiB) "
                + "(see 'sockworks bench checksum --help')\n")
    }

    func testChecksumSizesTakeCommasAndSpaces() async throws {
        let arguments = ["bench", "checksum", "--quick", "--sizes", "64,2K", "1500", "--format", "csv"]
        let run = try await runSockworks(arguments, timeout: .seconds(60))
        XCTAssertEqual(run.exitCode, 0, run.standardError)
        let sizes = run.standardOutput.split(separator: "\n").dropFirst().map { $0.split(separator: ",")[1] }
        XCTAssertEqual(Set(sizes), ["64", "2048", "1500"], run.standardOutput)
    }

    func testHelpExitsZero() async throws {
        let run = try await runSockworks(["bench", "checksum", "--help"])
        XCTAssertEqual(run.exitCode, 0)
        XCTAssertTrue(run.standardOutput.contains("USAGE: sockworks bench checksum"), run.standardOutput)
    }

    func testVersionIsTheCoreVersion() async throws {
        let run = try await runSockworks(["--version"])
        XCTAssertEqual(run.exitCode, 0)
        XCTAssertEqual(run.standardOutput, "0.1.0\n")
    }
}
