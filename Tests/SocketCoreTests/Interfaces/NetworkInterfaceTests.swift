import Glibc
import SocketCore
import Synchronization
import XCTest

final class NetworkInterfaceTests: XCTestCase {
    func testLoopbackHoldsItsAddresses() throws {
        let interfaces = try NetworkInterface.all()
        let loopback = try XCTUnwrap(interfaces.first(where: \.isLoopback), "\(interfaces)")
        XCTAssertTrue(loopback.isUp)
        XCTAssertTrue(loopback.addresses.contains(.v4(IPv4Address(127, 0, 0, 1))), "\(loopback.addresses)")
        // Each interface once, whatever number of addresses it has.
        XCTAssertEqual(Set(interfaces.map(\.name)).count, interfaces.count)
    }

    /// The kernel's own list of interfaces (sysfs) and getifaddrs agree.
    func testEveryInterfaceOfSysfsIsListed() throws {
        guard let directory = opendir("/sys/class/net") else { throw XCTSkip("no /sys/class/net") }
        defer { closedir(directory) }
        var names: Set<String> = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
            }
            if !name.hasPrefix(".") { names.insert(name) }
        }
        XCTAssertEqual(Set(try NetworkInterface.all().map(\.name)), names)
    }
}
