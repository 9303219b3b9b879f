import FTP
import Glibc
import TestSupport
import XCTest

/// Every command against pyftpdlib, in small cases.
final class PyftpdlibCommandTests: XCTestCase {
    func testDirectoriesAndFiles() async throws {
        try await Pyftpdlib.run(prepare: { root in
            try writeFile(root + "/hello.txt", Array("hello\n".utf8))
        }) { server in
            let transcript = TranscriptRecorder()
            let options = transcript.options()
            try using(try server.client(options: options)) { client in
                XCTAssertTrue(client.features.contains("MLST"), "\(client.features)")
                XCTAssertEqual(client.featureParameters["REST"], "STREAM")
                XCTAssertEqual(try client.currentDirectory(), "/")
                XCTAssertEqual(try client.makeDirectory("a\"b"), "/a\"b")
                try client.changeDirectory("a\"b")
                XCTAssertEqual(try client.currentDirectory(), "/a\"b")
                try client.changeDirectory("..")
                XCTAssertEqual(try client.size("hello.txt"), 6)
                let time = try client.modificationTime("hello.txt")
                XCTAssertEqual(time.count, 14)
                XCTAssertTrue(time.allSatisfy(\.isNumber))
                try client.rename("hello.txt", to: "a\"b/moved.txt")
                XCTAssertEqual(
                    try client.names("a\"b").map { $0.split(separator: "/").last.map(String.init) }, ["moved.txt"])
                var listing: [UInt8] = []
                try client.list("a\"b") { listing.append(contentsOf: $0) }
                XCTAssertTrue(String(decoding: listing, as: UTF8.self).contains("moved.txt"))
                XCTAssertTrue(String(decoding: listing, as: UTF8.self).hasSuffix("\r\n"))
                let entries = try client.entries(nil)
                XCTAssertEqual(entries.map(\.name), ["a\"b"])
                XCTAssertEqual(entries.first?.kind, .directory)
                let inside = try client.entries("a\"b")
                XCTAssertEqual(inside.map(\.name), ["moved.txt"])
                XCTAssertEqual(inside.first?.kind, .file)
                XCTAssertEqual(inside.first?.size, 6)
                XCTAssertEqual(inside.first?.modified, time)
                try client.delete("a\"b/moved.txt")
                try client.removeDirectory("a\"b")
                XCTAssertEqual(try client.names(nil), [])
            }
            XCTAssertEqual(directoryEntries(server.root), [])
            // PASS is masked in the transcript.
            XCTAssertTrue(transcript.sent.contains("PASS ****"), "\(transcript.sent)")
            XCTAssertFalse(transcript.lines.contains { $0.text.contains("secret") })
            XCTAssertEqual(transcript.lines.first?.description, "S: 220 pyftpdlib ready")
        }
    }

    func testRefusalsLeaveTheClientUsable() async throws {
        try await Pyftpdlib.run { server in
            try using(try server.client()) { client in
                XCTAssertThrowsError(try client.changeDirectory("missing")) { error in
                    guard case .refused(.changeDirectory, let reply) = error as? FTPError else {
                        return XCTFail("\(error)")
                    }
                    XCTAssertEqual(reply.code, 550)
                    XCTAssertTrue(String(describing: error).hasPrefix("CWD refused: 550 "), "\(error)")
                }
                XCTAssertThrowsError(try retrieveAll(client, "missing")) { error in
                    guard case .refused(.retrieve, let reply) = error as? FTPError else { return XCTFail("\(error)") }
                    XCTAssertEqual(reply.code, 550)
                }
                XCTAssertThrowsError(try client.size("missing"))
                XCTAssertEqual(try client.currentDirectory(), "/")
            }
        }
    }

    func testLoginRefusedAndAnonymousReadOnly() async throws {
        try await Pyftpdlib.run(prepare: { try writeFile($0 + "/public.txt", Array("public".utf8)) }) { server in
            let client = try FTPClient.connect(
                host: "127.0.0.1", port: server.port, options: FTPClientOptions(timeout: .seconds(10)))
            XCTAssertThrowsError(try client.login(user: "alice", password: "wrong")) { error in
                guard case .loginRefused(let reply) = error as? FTPError else { return XCTFail("\(error)") }
                XCTAssertEqual(reply.code, 530)
            }
            client.quit()
            try using(try server.client(anonymous: true)) { client in
                XCTAssertEqual(try retrieveAll(client, "public.txt"), Array("public".utf8))
                XCTAssertThrowsError(try storeAll(client, "new.txt", [1, 2, 3])) { error in
                    guard case .refused(.store, let reply) = error as? FTPError else { return XCTFail("\(error)") }
                    XCTAssertEqual(reply.code, 550)
                }
                XCTAssertEqual(try client.names(nil), ["public.txt"])
            }
            XCTAssertFalse(fileExists(server.file("new.txt")))
        }
    }

    func testArgumentsWithLineBreaksOrNULAreRefusedBeforeSending() async throws {
        XCTAssertThrowsError(
            try FTPClient.connect(host: "127.0.0.1\r\nUSER x", port: 21, options: FTPClientOptions())
        ) { error in
            guard case .invalidArgument = error as? FTPError else { return XCTFail("\(error)") }
        }
        try await Pyftpdlib.run(prepare: { try writeFile($0 + "/a", [1]) }) { server in
            let transcript = TranscriptRecorder()
            try using(try server.client(options: transcript.options())) { client in
                let before = transcript.sent.count
                for path in ["a\r\nDELE a", "a\nDELE a", "a\rDELE a", "a\0b"] {
                    XCTAssertThrowsError(try client.delete(path)) { error in
                        guard case .invalidArgument = error as? FTPError else { return XCTFail("\(error)") }
                    }
                    XCTAssertThrowsError(try retrieveAll(client, path))
                    XCTAssertThrowsError(try client.rename("a", to: path))
                    XCTAssertThrowsError(try client.makeDirectory(path))
                }
                XCTAssertEqual(transcript.sent.count, before, "\(transcript.sent)")
                XCTAssertEqual(try client.size("a"), 1)
            }
        }
    }

    func testSmallTransfersPassiveAndActiveIPv4AndIPv6() async throws {
        let bytes = randomBytes(300_000)
        for host in ["127.0.0.1", "::1"] {
            for mode in [FTPDataMode.passive, .active] {
                try await Pyftpdlib.run(host: host) { server in
                    let transcript = TranscriptRecorder()
                    let options = transcript.options(dataMode: mode)
                    try using(try server.client(host: host, options: options)) { client in
                        XCTAssertEqual(try storeAll(client, "up.bin", bytes, pieceSize: 7000), Int64(bytes.count))
                        XCTAssertEqual(try readFile(server.file("up.bin")), bytes, "\(host) \(mode)")
                        XCTAssertTrue(try retrieveAll(client, "up.bin") == bytes, "\(host) \(mode)")
                    }
                    let commands = transcript.commands
                    XCTAssertTrue(commands.contains(mode == .passive ? "EPSV" : "EPRT"), "\(commands)")
                    XCTAssertFalse(commands.contains("PASV") || commands.contains("PORT"), "\(commands)")
                }
            }
        }
    }

    /// A server that does not know EPSV and whose PASV reply names another
    /// address (127.0.0.9, where nothing listens): the client falls back to
    /// PASV and connects to the control connection's peer, 127.0.0.1.
    func testPassiveReplyAddressIsIgnored() async throws {
        let bytes = randomBytes(50_000)
        try await Pyftpdlib.run(
            arguments: ["--masquerade", "127.0.0.9", "--no-epsv"], prepare: { try writeFile($0 + "/f", bytes) }
        ) { server in
            let transcript = TranscriptRecorder()
            try using(try server.client(options: transcript.options())) { client in
                XCTAssertTrue(try retrieveAll(client, "f") == bytes, "the bytes differ")
                XCTAssertEqual(try client.names(nil), ["f"])
            }
            let passiveReplies = transcript.received.filter { $0.hasPrefix("227 ") }
            XCTAssertEqual(passiveReplies.count, 2, "\(transcript.received)")
            XCTAssertTrue(passiveReplies.allSatisfy { $0.contains("(127,0,0,9,") }, "\(passiveReplies)")
            XCTAssertEqual(transcript.commands.filter { $0 == "EPSV" }.count, 1, "\(transcript.commands)")
        }
    }

    func testActiveFallsBackToPORTWhenEPRTIsRefused() async throws {
        let bytes = randomBytes(50_000)
        try await Pyftpdlib.run(arguments: ["--no-epsv"], prepare: { try writeFile($0 + "/f", bytes) }) { server in
            let transcript = TranscriptRecorder()
            try using(try server.client(options: transcript.options(dataMode: .active))) { client in
                XCTAssertTrue(try retrieveAll(client, "f") == bytes, "the bytes differ")
                XCTAssertTrue(try retrieveAll(client, "f") == bytes, "the bytes differ")
            }
            let commands = transcript.commands
            // EPRT once; after its 5yz, PORT for each transfer.
            XCTAssertEqual(commands.filter { $0 == "EPRT" }.count, 1, "\(commands)")
            XCTAssertEqual(commands.filter { $0 == "PORT" }.count, 2, "\(commands)")
        }
    }

    func testASCIILineEnds() async throws {
        // Local text: LF ends; one CR alone, a line without an end.
        let local = Array("one\ntwo\n\nthree\rstill three\nlast".utf8)
        try await Pyftpdlib.run { server in
            try using(try server.client()) { client in
                // Pieces of one byte: a CR LF split between them.
                try storeAll(client, "text.txt", local, type: .ascii, pieceSize: 1)
                // pyftpdlib stores TYPE A as LF lines, as it should on POSIX.
                XCTAssertEqual(try readFile(server.file("text.txt")), local)
                XCTAssertEqual(try retrieveAll(client, "text.txt", type: .ascii), local)
                // The same bytes stored binary, read as text: LF locally again.
                try storeAll(client, "binary.txt", local, type: .binary)
                XCTAssertEqual(try retrieveAll(client, "binary.txt", type: .ascii), local)
            }
            try writeFile(server.file("crlf.txt"), Array("a\r\nb\r\n".utf8))
            try using(try server.client()) { client in
                // A file already CR LF: TYPE A sends it as it is (pyftpdlib
                // adds no CR before an LF that has one), and it reads LF.
                XCTAssertEqual(try retrieveAll(client, "crlf.txt", type: .ascii), Array("a\nb\n".utf8))
            }
        }
    }

    /// The first RETR is cut off after 100,000 bytes (the server's file
    /// read fails, it closes the data connection and answers 426); the
    /// client reports it, stays usable, and REST resumes where it stopped.
    func testTransferCutOffThenResumed() async throws {
        let bytes = randomBytes(1_000_000)
        try await Pyftpdlib.run(arguments: ["--cut-after", "100000"], prepare: { try writeFile($0 + "/big", bytes) }) {
            server in
            try using(try server.client()) { client in
                var partial: [UInt8] = []
                XCTAssertThrowsError(try client.retrieve("big") { partial.append(contentsOf: $0) }) { error in
                    guard case .transferFailed(.retrieve, let reply) = error as? FTPError else {
                        return XCTFail("\(error)")
                    }
                    XCTAssertEqual(reply.code, 426)
                }
                XCTAssertTrue(partial == Array(bytes[..<100_000]), "the first part differs")
                let rest = try retrieveAll(client, "big", from: Int64(partial.count))
                XCTAssertTrue(partial + rest == bytes, "the resumed file differs")
            }
        }
    }

    /// A block that throws ends the transfer: the client closes the data
    /// connection, reads the server's answer, and goes on.
    func testThrowingBlockLeavesTheClientUsable() async throws {
        let bytes = randomBytes(5_000_000)
        try await Pyftpdlib.run(prepare: { try writeFile($0 + "/big", bytes) }) { server in
            try using(try server.client()) { client in
                struct Enough: Error {}
                XCTAssertThrowsError(try client.retrieve("big") { _ in throw Enough() }) { error in
                    guard case .localFailure = error as? FTPError else { return XCTFail("\(error)") }
                }
                XCTAssertTrue(client.isUsable)
                XCTAssertEqual(try client.currentDirectory(), "/")
                XCTAssertEqual(try retrieveAll(client, "big").count, bytes.count)
            }
        }
    }

    func testThrowingSourceEndsTheDialogue() async throws {
        try await Pyftpdlib.run { server in
            let client = try server.client()
            defer { client.quit() }
            struct Unreadable: Error {}
            var calls = 0
            XCTAssertThrowsError(
                try client.store("up") { buffer in
                    calls += 1
                    if calls == 3 { throw Unreadable() }
                    buffer.initializeMemory(as: UInt8.self, repeating: 7)
                    return 1000
                }
            ) { error in
                guard case .localFailure = error as? FTPError else { return XCTFail("\(error)") }
            }
            XCTAssertFalse(client.isUsable)
            XCTAssertThrowsError(try client.currentDirectory()) { error in
                guard case .unusable = error as? FTPError else { return XCTFail("\(error)") }
            }
        }
    }

    func testMLSDWhenNotOfferedIsUnsupported() async throws {
        try await Pyftpdlib.run(arguments: ["--no-mlst"]) { server in
            try using(try server.client()) { client in
                XCTAssertFalse(client.features.contains("MLST"))
                XCTAssertThrowsError(try client.entries(nil)) { error in
                    guard case .unsupported = error as? FTPError else { return XCTFail("\(error)") }
                }
            }
        }
    }

    func testNoDescriptorsLeak() async throws {
        let before = try openDescriptorCount()
        try await Pyftpdlib.run(prepare: { try writeFile($0 + "/f", [1, 2, 3]) }) { server in
            for mode in [FTPDataMode.passive, .active] {
                let options = FTPClientOptions(timeout: .seconds(10), dataMode: mode)
                try using(try server.client(options: options)) { client in
                    for _ in 0..<5 { XCTAssertEqual(try retrieveAll(client, "f"), [1, 2, 3]) }
                    XCTAssertThrowsError(try retrieveAll(client, "missing"))
                    _ = try client.names(nil)
                }
            }
        }
        XCTAssertEqual(try openDescriptorCount(), before)
    }
}
