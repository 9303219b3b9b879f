// Fuzzes RequestParser with pipelined requests, checking properties of
// every outcome, not only that nothing crashes:
// - a head consumes at least one byte and no more than it was given, and its
//   fields, version, Host and framing obey the rules the parser enforces;
// - the outcomes are the same whether the bytes come at once, split at a
//   few points, or a byte at a time;
// - smaller limits only ever add a 414 or 431, never change another outcome.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    withExactCopy(data, size) { input in
        let outcomes = parseEveryWay(input, limits: RequestLimits())
        let small = parseEveryWay(input, limits: smallLimits)
        check(small.count <= outcomes.count, "smaller limits read more requests")
        for (bounded, unbounded) in zip(small, outcomes) {
            if case .refused(let refusal) = bounded, isLimit(refusal) { break }
            check(bounded == unbounded, "smaller limits changed \(unbounded) into \(bounded)")
        }
    }
    return 0
}

private let smallLimits: RequestLimits = {
    var limits = RequestLimits()
    limits.maxRequestLine = 40
    limits.maxHeaderBytes = 96
    limits.maxFields = 4
    return limits
}()

private func isLimit(_ refusal: RequestRefusal) -> Bool {
    refusal.status.code == 414 || refusal.status.code == 431
        || refusal.reason == "too many empty lines before the request"
}

/// The outcomes of the requests in `input`, which must be the same however
/// the input is split.
private func parseEveryWay(_ input: UnsafeRawBufferPointer, limits: RequestLimits) -> [RequestParse] {
    let whole = parseRequests(input, limits: limits, growingTo: [])
    let split = parseRequests(input, limits: limits, growingTo: splitPoints(of: input))
    check(split == whole, "split at \(splitPoints(of: input)): \(split) against \(whole)")
    let byteByByte = parseRequests(input, limits: limits, growingTo: Array(0...input.count))
    check(byteByByte == whole, "byte by byte: \(byteByByte) against \(whole)")
    return whole
}

/// Parses requests one after the other, each from a buffer that grows to
/// each of `ends` (offsets into `input`) and then to the whole input.
private func parseRequests(
    _ input: UnsafeRawBufferPointer, limits: RequestLimits, growingTo ends: [Int]
) -> [RequestParse] {
    var parser = RequestParser(limits: limits)
    var outcomes: [RequestParse] = []
    var start = 0
    while outcomes.count < 8 {
        var outcome = RequestParse.incomplete
        for end in ends + [input.count] where end >= start {
            outcome = parser.parse(UnsafeRawBufferPointer(rebasing: input[start..<end]))
            if case .incomplete = outcome { continue }
            break
        }
        outcomes.append(outcome)
        guard case .head(let head, let consumed) = outcome else { break }
        check(consumed > 0 && consumed <= input.count - start, "consumed \(consumed) of \(input.count - start)")
        checkHead(head)
        start += consumed
    }
    return outcomes
}

private func checkHead(_ head: RequestHead) {
    check(fieldsPassSyntax(head.fields), "fields that break RFC 9110 section 5: \(head.fields)")
    check(head.version == .http1_0 || head.version == .http1_1, "version \(head.version)")
    check(!head.target.isEmpty && head.target.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }, "target \(head.target)")
    check(head.fields.count(of: "host") <= 1, "several Host fields")
    check(head.host == head.fields.first("host"), "host \(String(describing: head.host))")
    check(head.version == .http1_0 || head.host != nil, "a 1.1 request without Host")
    switch head.body {
    case .none:
        check(!head.fields.contains("content-length") && !head.fields.contains("transfer-encoding"), "framing lost")
    case .length(let length):
        check(length >= 0 && !head.fields.contains("transfer-encoding"), "length \(length) with Transfer-Encoding")
    case .chunked:
        check(head.version == .http1_1 && !head.fields.contains("content-length"), "chunked with Content-Length")
    }
    if head.fields.hasToken("close", in: "connection") { check(!head.persists, "persists despite close") }
}
