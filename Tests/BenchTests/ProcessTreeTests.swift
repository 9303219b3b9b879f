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
}
