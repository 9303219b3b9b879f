import XCTest

@testable import Bench

final class ProfileParsingTests: XCTestCase {
    func testStraceTableAndSubtraction() {
        let table = """
            % time     seconds  usecs/call     calls    errors syscall
            ------ ----------- ----------- --------- --------- ----------------
             51.20    0.512000           5    100010           read
             40.00    0.400000           4    100005           write
              8.00    0.080000           8     10002      1000 epoll_wait
              0.80    0.008000          80       100           mmap
            ------ ----------- ----------- --------- --------- ----------------
            100.00    1.000000                310117      1000 total
            """
        let loaded = StraceSummary(parsing: table)
        XCTAssertEqual(loaded.rows.map(\.name), ["read", "write", "epoll_wait", "mmap"])
        XCTAssertEqual(loaded.calls("epoll_wait"), 10002)
        XCTAssertEqual(loaded.rows[2].errors, 1000)
        let baseline = StraceSummary(
            parsing: """
                % time     seconds  usecs/call     calls    errors syscall
                  50.00    0.000500           5        10           read
                  30.00    0.000300           5         5           write
                  20.00    0.000200          80       100           mmap
                100.00    0.001000                   115           total
                """)
        let work = loaded.subtracting(baseline)
        XCTAssertEqual(work.rows.map(\.name), ["read", "write", "epoll_wait"], "mmap cancels out")
        XCTAssertEqual(work.calls("read"), 100_000)
        XCTAssertEqual(work.calls("write"), 100_000)
    }

    /// Self cost excludes the inclusive cost lines after `calls=`; names
    /// compressed as `(id)` resolve; allocator calls are counted; file ids
    /// live apart from function ids.
    func testCallgrindSelfCostCallsAndCompression() {
        let file = """
            # callgrind format
            version: 1
            creator: callgrind-3.19.0
            events: Ir
            ob=(1) /bin/server
            fl=(1) server.c
            fn=(1) main
            10 100
            cob=(2) /lib/libc.so.6
            cfi=(2) malloc.c
            cfn=(2) malloc
            calls=3 0
            11 900
            +1 20
            fl=(2)
            fn=(2)
            5 300
            fl=(1)
            fn=(3) handle
            20 50
            cfn=(2)
            calls=2 0
            21 600
            summary: 1070
            totals: 1070
            """
        let profile = CallgrindProfile(parsing: file)
        XCTAssertEqual(profile.totalInstructions, 1070)
        XCTAssertEqual(profile.allocations, 5)
        let costs = Dictionary(uniqueKeysWithValues: profile.functions.map { ($0.name, $0.instructions) })
        XCTAssertEqual(costs["main"], 120)
        XCTAssertEqual(costs["malloc"], 300)
        XCTAssertEqual(costs["handle"], 50)
        XCTAssertEqual(profile.functions.first?.name, "malloc")
    }
}
