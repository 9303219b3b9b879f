import Glibc
import XCTest

@testable import Bench

final class CPUInfoTests: XCTestCase {
    func testDescriptionNamesTheModelOfProcCPUInfoAndTheCPUCount() throws {
        let description = cpuDescription()
        XCTAssertTrue(description.hasSuffix(", \(sysconf(Int32(_SC_NPROCESSORS_ONLN))) CPUs"), description)
        XCTAssertFalse(description.hasPrefix("unknown CPU"), description)
        XCTAssertFalse(description.hasPrefix(" "), description)
        XCTAssertFalse(description.contains("model name"), description)
    }
}
