// Fuzzes ChunkedDecoder, checking properties of every outcome, not only
// that nothing crashes:
// - the input consumed is at most what was given, and all of it unless the
//   body ended or was refused;
// - the body, trailers and outcome are the same whether the bytes come at
//   once, split at a few points, or a byte at a time;
// - the body and trailers never pass the decoder's limits, and trailers
//   obey the field syntax;
// - a decoded body with its trailers, encoded again as one chunk, decodes
//   to the same.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    withExactCopy(data, size) { input in
        for limits in [Limits.unbounded, Limits.small] {
            let decoded = decodeEveryWay(input, limits: limits)
            checkLimits(decoded, limits, inputCount: input.count)
            if decoded.complete { checkRoundTrip(decoded) }
        }
    }
    return 0
}

private struct Limits {
    var body: Int64
    var line: Int
    var trailerBytes: Int
    var trailerFields: Int

    static let unbounded = Limits(body: .max, line: 4096, trailerBytes: 16384, trailerFields: 100)
    static let small = Limits(body: 64, line: 12, trailerBytes: 48, trailerFields: 3)

    func decoder() -> ChunkedDecoder {
        ChunkedDecoder(
            maxBodyBytes: body, maxLineBytes: line, maxTrailerBytes: trailerBytes, maxTrailerFields: trailerFields)
    }
}

private struct Decoded: Equatable {
    var body: [UInt8] = []
    var trailers = HTTPFields()
    var consumed = 0
    var complete = false
    var error: FramingError?
}

private func decodeEveryWay(_ input: UnsafeRawBufferPointer, limits: Limits) -> Decoded {
    let whole = decode(input, limits.decoder(), cuts: [])
    let split = decode(input, limits.decoder(), cuts: splitPoints(of: input))
    check(split == whole, "split at \(splitPoints(of: input)): \(split) against \(whole)")
    let byteByByte = decode(input, limits.decoder(), cuts: Array(0...input.count))
    check(byteByByte == whole, "byte by byte: \(byteByByte) against \(whole)")
    return whole
}

/// Feeds `input` in pieces that end at `cuts` (and at its end) until the
/// body is complete or refused.
private func decode(_ input: UnsafeRawBufferPointer, _ decoder: ChunkedDecoder, cuts: [Int]) -> Decoded {
    var decoder = decoder
    var decoded = Decoded()
    var start = 0
    do {
        for end in cuts + [input.count] where end >= start && !decoder.isComplete {
            let piece = UnsafeRawBufferPointer(rebasing: input[start..<end])
            let used = try decoder.feed(piece) { decoded.body.append(contentsOf: $0) }
            check(used <= piece.count, "consumed \(used) of \(piece.count)")
            check(used == piece.count || decoder.isComplete, "stopped at \(used) of \(piece.count), not complete")
            decoded.consumed += used
            start = end
        }
    } catch let error as FramingError {
        decoded.error = error
        decoded.consumed = 0  // where it stopped inside the bad line depends on the split
    } catch {
        check(false, "an error that is not a FramingError: \(error)")
    }
    check(decoder.bodyBytes == Int64(decoded.body.count), "bodyBytes \(decoder.bodyBytes) for \(decoded.body.count)")
    decoded.complete = decoder.isComplete
    decoded.trailers = decoder.trailers
    return decoded
}

private func checkLimits(_ decoded: Decoded, _ limits: Limits, inputCount: Int) {
    check(Int64(decoded.body.count) <= limits.body, "a body of \(decoded.body.count) bytes")
    check(decoded.consumed <= inputCount, "consumed \(decoded.consumed) of \(inputCount)")
    check(decoded.trailers.count <= limits.trailerFields, "\(decoded.trailers.count) trailer fields")
    check(decoded.trailers.storage.count <= limits.trailerBytes, "\(decoded.trailers.storage.count) trailer bytes")
    check(fieldsPassSyntax(decoded.trailers), "trailers that break RFC 9110 section 5: \(decoded.trailers)")
    check(decoded.complete || decoded.error != nil || decoded.consumed == inputCount, "input left over")
}

/// Encodes the body as one chunk with the trailers, and decodes that again.
private func checkRoundTrip(_ decoded: Decoded) {
    var encoded: [UInt8] = []
    if !decoded.body.isEmpty {
        encoded += Array(String(decoded.body.count, radix: 16).utf8) + [0x0D, 0x0A] + decoded.body + [0x0D, 0x0A]
    }
    encoded += Array("0\r\n".utf8)
    for entry in decoded.trailers.entries {
        let storage = decoded.trailers.storage
        encoded += storage[entry.name] + Array(": ".utf8) + storage[entry.value] + [0x0D, 0x0A]
    }
    encoded += [0x0D, 0x0A]
    let again = encoded.withUnsafeBytes { decode($0, Limits.unbounded.decoder(), cuts: []) }
    check(again.error == nil && again.complete, "the body encoded again is refused: \(again)")
    check(again.body == decoded.body && again.trailers == decoded.trailers, "the body encoded again differs")
    check(again.consumed == encoded.count, "consumed \(again.consumed) of \(encoded.count) encoded again")
}
