import XCTest

@testable import SMTP

final class SMTPExtensionsTests: XCTestCase {
    func testKeywordsOfAnEHLOReply() {
        let reply = SMTPReply(
            code: 250,
            lines: [
                "mail.example.org greets you", "PIPELINING", "size 35882577", "8BITMIME", "SMTPUTF8", "STARTTLS",
                "AUTH PLAIN login XOAUTH2", "ENHANCEDSTATUSCODES", "X-CUSTOM a b",
            ])
        let extensions = SMTPExtensions(ehloReply: reply)
        XCTAssertEqual(extensions.serverName, "mail.example.org")
        XCTAssertTrue(extensions.pipelining)
        XCTAssertTrue(extensions.offersSize)
        XCTAssertEqual(extensions.sizeLimit, 35_882_577)
        XCTAssertTrue(extensions.eightBitMIME)
        XCTAssertTrue(extensions.smtpUTF8)
        XCTAssertTrue(extensions.startTLS)
        XCTAssertTrue(extensions.enhancedStatusCodes)
        XCTAssertEqual(extensions.authMechanisms, ["PLAIN", "LOGIN", "XOAUTH2"])
        XCTAssertEqual(extensions.keywords["X-CUSTOM"], ["a", "b"])
        XCTAssertTrue(extensions.offers("x-custom"))
    }

    func testAnEmptyReplyOffersNothing() {
        let extensions = SMTPExtensions(ehloReply: SMTPReply(code: 250, lines: ["localhost"]))
        XCTAssertFalse(extensions.startTLS)
        XCTAssertFalse(extensions.offersSize)
        XCTAssertNil(extensions.sizeLimit)
        XCTAssertEqual(extensions.authMechanisms, [])
        XCTAssertEqual(extensions, SMTPExtensions(ehloReply: SMTPReply(code: 250, lines: ["localhost"])))
    }

    func testSizeWithoutALimit() {
        for line in ["SIZE", "SIZE 0", "SIZE many"] {
            let extensions = SMTPExtensions(ehloReply: SMTPReply(code: 250, lines: ["x", line]))
            XCTAssertTrue(extensions.offersSize, line)
            XCTAssertNil(extensions.sizeLimit, line)
        }
    }

    func testOldAuthEqualsForm() {
        let extensions = SMTPExtensions(ehloReply: SMTPReply(code: 250, lines: ["x", "AUTH=LOGIN PLAIN"]))
        XCTAssertEqual(extensions.authMechanisms, ["LOGIN", "PLAIN"])
        XCTAssertEqual(SMTPAuthMechanism.preferred(among: extensions.authMechanisms), .plain)
        XCTAssertEqual(SMTPAuthMechanism.preferred(among: ["LOGIN", "CRAM-MD5"]), .login)
        XCTAssertNil(SMTPAuthMechanism.preferred(among: ["CRAM-MD5"]))
    }
}
