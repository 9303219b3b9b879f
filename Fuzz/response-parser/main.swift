// libFuzzer target for the client's response parser. It is compiled alone
// with the module's import-free parser sources:
//
//   swiftc -O -sanitize=fuzzer,address -parse-as-library Fuzz/response-parser/main.swift \
//       Sources/HTTP/Message/*.swift Sources/HTTP/Body/*.swift Sources/HTTP/Response/*.swift
//
// Each input is parsed whole and again in two pieces split where its first
// byte says: both must give the same head, the same length or the same
// error (the parser remembers where it stopped, and must not depend on
// where reads end). A head's framing is then worked out for GET and HEAD,
// and a chunked body after it decoded, so no input can crash any of them.

typealias Outcome = (head: ResponseHead, consumed: Int)

func parse(_ input: UnsafeRawBufferPointer, splitAt split: Int) -> Result<Outcome, ResponseParseError>? {
    var parser = ResponseHeadParser()
    do throws(ResponseParseError) {
        if let head = try parser.parse(UnsafeRawBufferPointer(rebasing: input[..<split])) { return .success(head) }
        return try parser.parse(input).map { .success($0) }
    } catch {
        return .failure(error)
    }
}

func same(_ left: Result<Outcome, ResponseParseError>?, _ right: Result<Outcome, ResponseParseError>?) -> Bool {
    switch (left, right) {
    case (nil, nil): true
    case (.success(let a)?, .success(let b)?): a.head == b.head && a.consumed == b.consumed
    case (.failure(let a)?, .failure(let b)?): a == b
    default: false
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzResponseParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    let whole = parse(input, splitAt: size)
    let split = size == 0 ? 0 : Int(input[0]) * size / 256
    precondition(same(whole, parse(input, splitAt: split)), "the outcome depends on where the input was split")
    guard case .success(let outcome)? = whole else { return 0 }
    precondition(outcome.consumed <= size, "consumed more than the input")
    _ = try? outcome.head.bodyFraming(requestMethod: .head)
    if case .chunked? = try? outcome.head.bodyFraming(requestMethod: .get) {
        var decoder = ChunkedDecoder(maxBodyBytes: 1 << 20)
        var decoded: Int64 = 0
        let body = UnsafeRawBufferPointer(rebasing: input[outcome.consumed...])
        if let used = try? decoder.feed(body, data: { decoded += Int64($0.count) }) {
            precondition(used <= body.count, "the decoder consumed more than the input")
            precondition(decoded == decoder.bodyBytes, "the decoder's count differs from what it gave")
        }
    }
    return 0
}
