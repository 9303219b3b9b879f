// Fuzzes what MIME makes of header text a user gives (RFC 5322, RFC 2047):
// the input, as UTF-8 text, is parsed as an address (`MailAddress`) and
// written as a Subject (`HeaderField(_:text:)`), checking properties of
// every outcome, not only that nothing crashes:
// - text with CR, LF or NUL is refused as a line break in the header, as
//   an address and as a header value alike (header injection);
// - an accepted address's mailbox is one `@` between non-empty parts of
//   printable ASCII without `<` or `>`, and parses again to itself;
// - every field written (the Subject, a To of the address) is lines ending
//   CR LF with no other CR or LF, each continuation line starting with a
//   space, no line over 78 characters unless it holds a single piece;
// - unfolded, a plain Subject reads back as the text, and an encoded one
//   decodes (each word alone) back to the text's UTF-8.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    withExactCopy(data, size) { input in
        let text = String(decoding: input, as: UTF8.self)
        let breaksLine = text.utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0 }
        checkAddress(text, breaksLine: breaksLine)
        if breaksLine {
            do throws(MailFormatError) {
                try HeaderText.check(text, field: "Subject")
                check(false, "a Subject with a line break was accepted")
            } catch {
                check(error == .lineBreakInHeader(field: "Subject"), "the Subject refused as \(error)")
            }
        } else {
            checkSubject(text)
        }
    }
    return 0
}

private func checkAddress(_ text: String, breaksLine: Bool) {
    let address: MailAddress
    do throws(MailFormatError) {
        address = try MailAddress(parsing: text, field: "To")
    } catch {
        if breaksLine { check(error == .lineBreakInHeader(field: "To"), "an address with a line break: \(error)") }
        return
    }
    check(!breaksLine, "an address with a line break was accepted")
    let mailbox = Array(address.mailbox.utf8)
    check(mailbox.filter { $0 == UInt8(ascii: "@") }.count == 1, "a mailbox without exactly one @")
    check(mailbox.first != UInt8(ascii: "@") && mailbox.last != UInt8(ascii: "@"), "an empty part around the @")
    check(
        mailbox.allSatisfy { (0x21...0x7E).contains($0) && $0 != UInt8(ascii: "<") && $0 != UInt8(ascii: ">") },
        "a mailbox byte outside printable ASCII, or < or >")
    let again = try? MailAddress(parsing: address.mailbox, field: "To")
    check(again?.mailbox == address.mailbox && again?.displayName == nil, "the mailbox does not parse to itself")
    let field = HeaderField("To", pieces: address.headerPieces(firstWordLength: HeaderField.lineLength - 4))
    checkFolding(field)
}

private func checkSubject(_ text: String) {
    let field = HeaderField("Subject", text: text)
    checkFolding(field)
    let lines = field.text.utf8.split(separator: 0x0A).map { Array($0.dropLast()) }
    let unfolded = Array(lines.joined())
    let value = Array(unfolded.dropFirst("Subject: ".utf8.count))
    if HeaderText.isPlain(text) {
        check(value == Array(text.utf8), "a plain Subject does not read back")
    } else {
        var decoded: [UInt8] = []
        for word in value.split(separator: 0x20, omittingEmptySubsequences: false) {
            let prefix = Array("=?UTF-8?B?".utf8)
            check(word.count <= 75, "an encoded word of \(word.count) characters")
            check(word.starts(with: prefix) && word.suffix(2).elementsEqual("?=".utf8), "not an encoded word")
            guard let bytes = decodeBase64(Array(word.dropFirst(prefix.count).dropLast(2))) else {
                check(false, "an encoded word that is not base64")
                return
            }
            check(String(validating: bytes, as: UTF8.self) != nil, "an encoded word that is not whole UTF-8")
            decoded += bytes
        }
        check(decoded == Array(text.utf8), "the encoded Subject does not decode to the text")
    }
}

/// Lines ending CR LF and nowhere else, continuations starting with a
/// space, none over 78 characters unless it holds a single piece.
private func checkFolding(_ field: HeaderField) {
    let bytes = Array(field.text.utf8)
    check(bytes.suffix(2) == [0x0D, 0x0A], "a field that does not end with CR LF")
    for (index, byte) in bytes.enumerated() {
        if byte == 0x0D { check(index + 1 < bytes.count && bytes[index + 1] == 0x0A, "a bare CR at \(index)") }
        if byte == 0x0A { check(index > 0 && bytes[index - 1] == 0x0D, "a bare LF at \(index)") }
    }
    let lines = bytes.split(separator: 0x0A).map { Array($0.dropLast()) }
    for (number, line) in lines.enumerated() {
        if number > 0 { check(line.first == 0x20, "a continuation line that does not start with a space") }
        // What follows "Name: " or a continuation's space.
        let content = line.dropFirst(number == 0 ? field.name.utf8.count + 2 : 1)
        check(
            line.count <= HeaderField.lineLength || field.pieces.contains(String(decoding: content, as: UTF8.self)),
            "a line of \(line.count) with more than one piece")
    }
}

/// RFC 4648 base64 with padding; nil when `text` is not that.
private func decodeBase64(_ text: [UInt8]) -> [UInt8]? {
    guard text.count % 4 == 0 else { return nil }
    func value(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): UInt32(byte - UInt8(ascii: "A"))
        case UInt8(ascii: "a")...UInt8(ascii: "z"): UInt32(byte - UInt8(ascii: "a") + 26)
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0") + 52)
        case UInt8(ascii: "+"): 62
        case UInt8(ascii: "/"): 63
        default: nil
        }
    }
    var output: [UInt8] = []
    var index = 0
    while index < text.count {
        let group = text[index..<(index + 4)]
        let padding = group.reversed().prefix { $0 == UInt8(ascii: "=") }.count
        guard padding <= 2, padding == 0 || index + 4 == text.count else { return nil }
        var bits: UInt32 = 0
        for byte in group.dropLast(padding) {
            guard let sextet = value(byte) else { return nil }
            bits = bits << 6 | sextet
        }
        bits <<= 6 * UInt32(padding)
        let bytes = [UInt8(bits >> 16 & 0xFF), UInt8(bits >> 8 & 0xFF), UInt8(bits & 0xFF)]
        output += bytes.prefix(3 - padding)
        index += 4
    }
    return output
}
