import Dispatch
import Glibc
import SocketCore
import Synchronization
import TestSupport
import XCTest

@testable import HTTP

final class StaticSiteCacheTests: XCTestCase {
    private var fixture: StaticSiteFixture!

    override func setUpWithError() throws { fixture = try StaticSiteFixture() }
    override func tearDown() { fixture = nil }

    func testACachedFileSharesItsDescriptorAndHeaderBytes() throws {
        let site = try fixture.site {
            $0.fileCacheValidity = .seconds(3600)
            $0.copiedFileLimit = 0
        }
        let first = site.get("/hello.txt")
        let second = site.get("/hello.txt")
        guard case .file(let firstFile, _, _) = first.body, case .file(let secondFile, _, _) = second.body else {
            return XCTFail("not file bodies")
        }
        XCTAssertTrue(firstFile === secondFile)
        let firstBytes = first.fieldLines.withUnsafeBufferPointer { $0.baseAddress }
        let secondBytes = second.fieldLines.withUnsafeBufferPointer { $0.baseAddress }
        XCTAssertEqual(firstBytes, secondBytes)
        XCTAssertEqual(site.cache.count, 1)
    }

    func testAReplacedFileIsServedAsItWasWithinTheValidityWindow() throws {
        let site = try fixture.site { $0.fileCacheValidity = .seconds(3600) }
        let before = site.get("/hello.txt")
        try replace("hello.txt", with: Array("changed\n".utf8))
        let after = site.get("/hello.txt")
        XCTAssertEqual(after.bodyBytes, StaticSiteFixture.hello)
        XCTAssertEqual(after.field("etag"), before.field("etag"))
    }

    func testAReplacedFileGetsANewEntryOnceTheWindowHasPassed() throws {
        let site = try fixture.site {
            $0.fileCacheValidity = .zero
            $0.copiedFileLimit = 0
        }
        let before = site.get("/hello.txt")
        let same = site.get("/hello.txt")
        guard case .file(let beforeFile, _, _) = before.body, case .file(let sameFile, _, _) = same.body else {
            return XCTFail("not file bodies")
        }
        XCTAssertTrue(beforeFile === sameFile, "an unchanged file keeps its entry")
        try replace("hello.txt", with: Array("changed\n".utf8))
        let after = site.get("/hello.txt")
        XCTAssertEqual(after.bodyText, "changed\n")
        XCTAssertNotEqual(after.field("etag"), before.field("etag"))
        XCTAssertEqual(after.contentLength, 8)
    }

    /// A file within the copy limit is served from the bytes the cache read
    /// (shared, not copied, between requests); ranges of it too; a larger
    /// one, or any with the limit at 0, goes out with sendfile.
    func testSmallFilesAreServedFromTheCachesCopy() throws {
        let site = try fixture.site { $0.copiedFileLimit = Int64(StaticSiteFixture.hello.count) }
        let first = site.get("/hello.txt")
        let second = site.get("/hello.txt")
        guard case .bytes(let firstBytes) = first.body, case .bytes(let secondBytes) = second.body else {
            return XCTFail("a small file not served from memory: \(first.body)")
        }
        XCTAssertEqual(firstBytes, StaticSiteFixture.hello)
        XCTAssertEqual(
            firstBytes.withUnsafeBufferPointer { $0.baseAddress },
            secondBytes.withUnsafeBufferPointer { $0.baseAddress })
        let part = site.get("/hello.txt", [("Range", "bytes=1-3")])
        XCTAssertEqual(part.status, .partialContent)
        XCTAssertEqual(part.bodyBytes, Array(StaticSiteFixture.hello[1...3]))

        let limited = try fixture.site { $0.copiedFileLimit = Int64(StaticSiteFixture.hello.count) - 1 }
        guard case .file = limited.get("/hello.txt").body else { return XCTFail("a file over the limit in memory") }
        let never = try fixture.site { $0.copiedFileLimit = 0 }
        guard case .file = never.get("/hello.txt").body else { return XCTFail("limit 0 still copied") }
    }

    /// Out of descriptors, a file that cannot be checked again is served as
    /// the cache holds it; one never opened gets 503.
    func testOutOfDescriptorsTheCachedFileIsServed() throws {
        let site = try fixture.site { $0.fileCacheValidity = .zero }
        XCTAssertEqual(site.get("/hello.txt").status, .ok)
        var saved = rlimit()
        XCTAssertEqual(getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &saved), 0)
        var filler: [Int32] = []
        var limited = saved
        limited.rlim_cur = rlim_t(try openDescriptorCount() + 8)
        XCTAssertEqual(setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limited), 0)
        defer {
            filler.forEach { _ = close($0) }
            _ = setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &saved)
        }
        while true {
            let descriptor = dup(0)
            guard descriptor >= 0 else { break }
            filler.append(descriptor)
        }
        let cached = site.get("/hello.txt")
        XCTAssertEqual(cached.status, .ok)
        XCTAssertEqual(cached.bodyBytes, StaticSiteFixture.hello)
        XCTAssertEqual(site.get("/index.html").status, .serviceUnavailable)
    }

    func testAFileChangedInPlaceGetsANewTag() throws {
        let site = try fixture.site { $0.fileCacheValidity = .zero }
        let before = site.get("/hello.txt")
        var times = [timespec(tv_sec: 1_000_000_000, tv_nsec: 0), timespec(tv_sec: 1_000_000_000, tv_nsec: 1)]
        XCTAssertEqual(utimensat(AT_FDCWD, fixture.root + "/hello.txt", &times, 0), 0)
        let after = site.get("/hello.txt")
        XCTAssertNotEqual(after.field("etag"), before.field("etag"))
        XCTAssertEqual(after.field("last-modified"), "Sun, 09 Sep 2001 01:46:40 GMT")
    }

    func testARemovedFileIs404OnceTheWindowHasPassed() throws {
        let site = try fixture.site { $0.fileCacheValidity = .milliseconds(50) }
        XCTAssertEqual(site.get("/hello.txt").status, .ok)
        XCTAssertEqual(unlink(fixture.root + "/hello.txt"), 0)
        let removed = blockUntil(timeout: .seconds(5), pollingEvery: .milliseconds(10)) {
            site.get("/hello.txt").status == .notFound
        }
        XCTAssertTrue(removed)
        XCTAssertEqual(site.cache.count, 0)
    }

    func testTheCacheHoldsAtMostItsEntries() throws {
        let site = try fixture.site { $0.fileCacheEntries = 2 }
        for name in ["hello.txt", "index.html", "page.HTML", "data.bin", "dir/", "hello.txt", "inside"] {
            XCTAssertEqual(site.get("/" + name).status, .ok, name)
            XCTAssertLessThanOrEqual(site.cache.count, 2)
        }
        let none = try fixture.site { $0.fileCacheEntries = 0 }
        XCTAssertEqual(none.get("/hello.txt").bodyBytes, StaticSiteFixture.hello)
        XCTAssertEqual(none.cache.count, 0)
    }

    func testNoDescriptorOutlivesTheSite() throws {
        let before = try openDescriptorCount()
        do {
            let site = try fixture.site(containment: .pathCheck) { $0.listing = true }
            for target in ["/hello.txt", "/dir/", "/bare/", "/fifo", "/socket", "/out-file", "/dir", "/nothing"] {
                _ = site.get(target)
            }
            XCTAssertGreaterThan(try openDescriptorCount(), before)
        }
        do {
            let site = try fixture.site()
            for target in ["/hello.txt", "/data.bin", "/bare/", "/fifo", "/out-dir/secret.txt"] { _ = site.get(target) }
        }
        XCTAssertEqual(try openDescriptorCount(), before)
    }

    func testThreadsShareOneSite() throws {
        let site = try fixture.site { $0.fileCacheValidity = .zero }
        let targets = ["/hello.txt", "/data.bin", "/dir/", "/nothing", "/inside"]
        let failures = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 4) { thread in
            for round in 0..<250 {
                let target = targets[(thread + round) % targets.count]
                let response = site.get(target)
                let expected: HTTPStatus = target == "/nothing" ? .notFound : .ok
                if response.status != expected || response.contentLength != Int64(response.bodyBytes.count) {
                    failures.add(1, ordering: .relaxed)
                }
            }
        }
        XCTAssertEqual(failures.load(ordering: .relaxed), 0)
    }

    /// Replaces `name` in the root with a new file (a new inode), as a deploy does.
    private func replace(_ name: String, with bytes: [UInt8]) throws {
        let path = fixture.root + "/" + name
        try writeFile(path + ".new", bytes)
        XCTAssertEqual(rename(path + ".new", path), 0)
    }
}
