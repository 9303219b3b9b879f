import Glibc
import XCTest

@testable import Bench

final class ProcessTreeTests: XCTestCase {
    /// A command name may hold spaces and parentheses; fields count from
    /// the last ')'. 250 + 7 user ticks and 30 + 3 system ticks at 100 Hz.
    func testStatLineWithAHostileCommandName() throws {
        let line = "4242 (a b) (c)) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 30 7 3 20 0 1 0 5 1000 10"
        let time = try XCTUnwrap(CPUTime(statLine: line))
        let tick = Duration.seconds(1) / Int(sysconf(Int32(_SC_CLK_TCK)))
        XCTAssertEqual(time.user, tick * 257)
        XCTAssertEqual(time.system, tick * 33)
        XCTAssertNil(CPUTime(statLine: "4242 (short) S 1 2"))
    }

    func testMachineCPUParsesTheAggregateLine() throws {
        let text = "cpu  100 5 50 1000 20 1 2 3 0 0\ncpu0 50 2 25 500 10 0 1 1 0 0\n"
        let machine = try XCTUnwrap(MachineCPU(statText: text))
        let tick = Duration.seconds(1) / Int(sysconf(Int32(_SC_CLK_TCK)))
        XCTAssertEqual(machine.busy, tick * (100 + 5 + 50 + 1 + 2 + 3))
        XCTAssertEqual(machine.total, tick * 1181)
    }

    /// A child and a grandchild are found, and their memory is counted.
    func testFindsDescendantsAndTheirMemory() throws {
        var ready: [Int32] = [-1, -1]
        XCTAssertEqual(pipe(&ready), 0)
        let child = fork()
        if child == 0 {
            if fork() == 0 {
                close(ready[0])
                _ = write(ready[1], "g", 1)
                while true { pause() }
            }
            while true { pause() }
        }
        close(ready[1])
        defer {
            kill(-child, SIGKILL)
            let grandchildren = ProcessTree(root: child).processes().filter { $0 != child }
            for pid in grandchildren { kill(pid, SIGKILL) }
            kill(child, SIGKILL)
            var status: Int32 = 0
            waitpid(child, &status, 0)
        }
        var byte: UInt8 = 0
        XCTAssertEqual(read(ready[0], &byte, 1), 1, "the grandchild started")
        close(ready[0])

        let tree = ProcessTree(root: child).processes()
        XCTAssertEqual(tree.count, 2, "\(tree)")
        XCTAssertEqual(tree.first, child)

        let memory = ProcessTree(root: child).memory()
        XCTAssertGreaterThan(memory.residentKiB, 0)
        XCTAssertGreaterThan(memory.proportionalKiB, 0)
        XCTAssertLessThanOrEqual(memory.proportionalKiB, memory.residentKiB, "PSS shares what the copies share")
        XCTAssertGreaterThanOrEqual(memory.peakResidentKiB, memory.residentKiB)
    }

    func testCPUTimeOfThisProcessGrowsWithWork() throws {
        let tree = ProcessTree(root: getpid())
        let before = tree.cpuTime()
        let start = ContinuousClock.now
        var sink: UInt64 = 0
        while ContinuousClock.now - start < .milliseconds(300) { sink &+= UInt64.random(in: 0...9) }
        XCTAssertNotEqual(sink, 1)
        let used = (tree.cpuTime() - before).total
        XCTAssertGreaterThanOrEqual(used, .milliseconds(150), "\(used)")
    }

    /// What the CGI suite relies on: a server that starts and reaps busy
    /// children (as it does its scripts) shows their time, through the
    /// cutime and cstime of /proc/PID/stat, though none of them is alive
    /// when the time is read and the server itself only waited.
    func testCountsTheTimeOfReapedChildren() throws {
        let children = 3
        let busy = Duration.milliseconds(150)
        var start: [Int32] = [-1, -1]
        var done: [Int32] = [-1, -1]
        XCTAssertEqual(pipe(&start), 0)
        XCTAssertEqual(pipe(&done), 0)
        let server = fork()
        if server == 0 {
            // Only async-signal-safe calls between fork and _exit.
            var byte: UInt8 = 0
            _ = read(start[0], &byte, 1)
            for _ in 0..<children {
                let child = fork()
                if child == 0 { Self.spin(busy) }
                var status: Int32 = 0
                _ = waitpid(child, &status, 0)
            }
            _ = write(done[1], &byte, 1)
            while true { pause() }
        }
        close(start[0])
        close(done[1])
        defer {
            close(start[1])
            close(done[0])
            kill(server, SIGKILL)
            var status: Int32 = 0
            waitpid(server, &status, 0)
        }
        let tree = ProcessTree(root: server)
        let before = tree.cpuTime()
        let ownBefore = try XCTUnwrap(Self.ownTime(server))
        var byte: UInt8 = 1
        XCTAssertEqual(write(start[1], &byte, 1), 1)
        var ready = pollfd(fd: done[0], events: Int16(POLLIN), revents: 0)
        XCTAssertEqual(poll(&ready, 1, 30_000), 1, "the children ran and were reaped within 30 s")
        XCTAssertEqual(read(done[0], &byte, 1), 1)

        XCTAssertEqual(tree.processes(), [server], "every child was reaped")
        let used = (tree.cpuTime() - before).total
        let own = try XCTUnwrap(Self.ownTime(server)) - ownBefore
        // One clock tick of rounding per child.
        let tick = Duration.seconds(1) / Int(sysconf(Int32(_SC_CLK_TCK)))
        XCTAssertGreaterThanOrEqual(used, (busy - tick) * children, "\(used)")
        XCTAssertLessThan(own, busy, "the server itself only waited: \(own)")
    }

    /// A process that ignores SIGCHLD is seen to, and one that does not is not.
    func testSeesAProcessThatIgnoresChildExits() throws {
        let ignoring = fork()
        if ignoring == 0 {
            signal(SIGCHLD, SIG_IGN)
            while true { pause() }
        }
        let waiting = fork()
        if waiting == 0 { while true { pause() } }
        defer {
            for pid in [ignoring, waiting] {
                kill(pid, SIGKILL)
                var status: Int32 = 0
                waitpid(pid, &status, 0)
            }
        }
        XCTAssertTrue(
            waitUntilTrue { ProcessTree(root: ignoring).ignoresChildExits() }, "SIGCHLD ignored after fork")
        XCTAssertFalse(ProcessTree(root: waiting).ignoresChildExits())
    }

    private func waitUntilTrue(_ condition: () -> Bool) -> Bool {
        for _ in 0..<500 {
            if condition() { return true }
            usleep(10_000)
        }
        return false
    }

    /// Spends `busy` of CPU (at most 10 s of wall time on a loaded machine)
    /// and exits; for a forked child, so nothing but system calls.
    private static func spin(_ busy: Duration) -> Never {
        let limit = Int64(busy.components.seconds) * 1_000_000_000 + busy.components.attoseconds / 1_000_000_000
        var cpu = timespec()
        var wall = timespec()
        var wallStart = timespec()
        clock_gettime(CLOCK_MONOTONIC, &wallStart)
        repeat {
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu)
            clock_gettime(CLOCK_MONOTONIC, &wall)
        } while Int64(cpu.tv_sec) * 1_000_000_000 + Int64(cpu.tv_nsec) < limit && wall.tv_sec - wallStart.tv_sec < 10
        _exit(0)
    }

    /// A process's own user and system time (fields 14 and 15), without
    /// its children's.
    private static func ownTime(_ pid: pid_t) -> Duration? {
        guard let text = ProcFiles.read("/proc/\(pid)/stat"), let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let utime = Int64(fields[11]), let stime = Int64(fields[12]) else { return nil }
        return Duration.seconds(1) / Int(sysconf(Int32(_SC_CLK_TCK))) * (utime + stime)
    }
}
