import Glibc
import SocketCore

/// The files of one directory served over HTTP: the answer to each GET or
/// HEAD, for the server's sessions to send. One site serves every thread
/// of a server at once.
///
/// A request-target's path is decoded and normalised (`RequestPath`), then
/// opened beneath the root (`RootDirectory`: no path, `..` or symbolic link
/// reaches outside it). Regular files are served, with their type, date,
/// tag and ranges (RFC 9110 sections 8, 13 and 14); a directory's path gets
/// its index file, a listing or `403`; anything else (a FIFO, a socket, a
/// device) is `403`. Open files are cached with their header lines
/// (`OpenFileCache`), so serving a cached file makes no system call.
public final class StaticSite: Sendable {
    public let options: StaticSiteOptions
    let root: RootDirectory
    let cache: OpenFileCache

    /// Opens the root directory (O_PATH|O_DIRECTORY); fails clearly if it
    /// is not a readable directory.
    public convenience init(root: String, options: StaticSiteOptions = StaticSiteOptions()) throws(SystemError) {
        try self.init(root: root, options: options, containment: nil)
    }

    /// The site with its way of keeping paths beneath the root chosen
    /// (nil: openat2 if the kernel has it), so that both can be tested.
    init(root: String, options: StaticSiteOptions, containment: RootDirectory.Containment?) throws(SystemError) {
        self.root = try RootDirectory(path: root, containment: containment)
        self.options = options
        cache = OpenFileCache(validity: options.fileCacheValidity, capacity: options.fileCacheEntries)
    }

    /// The response to a GET or HEAD of `target` (the request-target as
    /// sent) with the request's fields. Other methods get `405` with `Allow`
    /// (the session answers them before asking, as it does for `501`).
    public func respond(method: HTTPMethod, target: String, fields: HTTPFields) -> StaticResponse {
        guard method == .get || method == .head else {
            return .error(.methodNotAllowed, extraFieldLines: Array("Allow: GET, HEAD\r\n".utf8))
        }
        guard let request = RequestPath(target: target) else { return .error(.badRequest) }
        if request.hasDotSegment && !options.dotFiles { return .error(.notFound) }
        let now = MonotonicInstant.now
        if let cached = cache.fresh(request.path, now: now) {
            return respond(cached, method: method, fields: fields)
        }
        switch resolve(request) {
        case .file(let file, let name):
            let cached = cache.revalidated(request.path, status: file.status, now: now) {
                CachedFile(file: file, name: name, copyLimit: options.copiedFileLimit)
            }
            return respond(cached, method: method, fields: fields)
        case .response(let response):
            // Out of descriptors, the file cannot be checked again: the
            // connections the server has are served from what it holds.
            if response.status == .serviceUnavailable, let cached = cache.stale(request.path) {
                return respond(cached, method: method, fields: fields)
            }
            cache.remove(request.path)
            return response
        }
    }

    private enum Resolution {
        /// A regular file to serve; `name` is its last segment, for its type.
        case file(OpenFile, name: Substring)
        case response(StaticResponse)
    }

    /// What the file system holds at the request's path.
    private func resolve(_ request: RequestPath) -> Resolution {
        let opened: OpenedEntry
        do {
            opened = try root.open(request.relative)
        } catch {
            return .response(Self.refusal(error))
        }
        switch opened {
        case .file(let file):
            // A file's path with a trailing slash failed to open (ENOTDIR).
            return .file(file, name: Self.lastSegment(of: request.path))
        case .other:
            return .response(.error(.forbidden))
        case .directory(let directory):
            guard request.hasTrailingSlash else { return .response(redirectToDirectory(request)) }
            return index(of: directory, request)
        }
    }

    /// A directory's response: its index file, else its listing, else `403`.
    private func index(of directory: OpenDirectory, _ request: RequestPath) -> Resolution {
        let indexPath = request.path == "/" ? options.index : String(request.path.dropFirst()) + options.index
        do {
            if case .file(let file) = try root.open(indexPath) {
                return .file(file, name: Substring(options.index))
            }
        } catch  where error.code != ENOENT && error.code != ENOTDIR {
            return .response(Self.refusal(error))
        } catch {}
        guard options.listing else { return .response(.error(.forbidden)) }
        let entries: [OpenDirectory.Entry]
        do {
            entries = try directory.entries()
        } catch {
            return .response(Self.refusal(error))
        }
        let page = Array(DirectoryListing.html(path: request.path, entries: entries, dotFiles: options.dotFiles).utf8)
        return .response(
            StaticResponse(
                status: .ok, fieldLines: ErrorPage.contentTypeLine, body: .bytes(page),
                contentLength: Int64(page.count)))
    }

    /// `301` to the directory's path with its trailing slash (query kept),
    /// so that relative links in its index resolve inside it.
    private func redirectToDirectory(_ request: RequestPath) -> StaticResponse {
        var location = PercentEncoding.encode(request.path.utf8, keeping: "/!$&'()*+,;=:@") + "/"
        if let query = request.query { location += "?" + query }
        var lines = FieldLines()
        lines.append("Location", location)
        return .error(.movedPermanently, extraFieldLines: lines.bytes)
    }

    /// The response to a cached file, after the request's preconditions and range.
    private func respond(_ cached: CachedFile, method: HTTPMethod, fields: HTTPFields) -> StaticResponse {
        let status = cached.file.status
        let size = status.size
        let whole = StaticResponse(
            status: .ok, fieldLines: cached.fieldLines, body: Self.body(of: cached, offset: 0, count: size),
            contentLength: size)
        guard !fields.isEmpty else { return whole }
        switch ConditionalRequest.evaluate(fields, tag: cached.tag, modifiedSeconds: status.modifiedSeconds) {
        case .proceed: break
        case .notModified:
            return StaticResponse(
                status: .notModified, fieldLines: cached.notModifiedFieldLines, body: .empty, contentLength: 0)
        case .preconditionFailed:
            return .error(.preconditionFailed)
        }
        // Range is defined for GET only (RFC 9110 section 14.2).
        guard method == .get, fields.contains("range"),
            ConditionalRequest.rangeApplies(fields, tag: cached.tag, modifiedSeconds: status.modifiedSeconds)
        else { return whole }
        guard fields.count(of: "range") == 1 else { return whole }
        var request = ByteRangeRequest.whole
        fields.forEachValue(of: "range") { request = ByteRangeRequest($0, size: size) }
        switch request {
        case .whole:
            return whole
        case .part(let first, let last):
            var lines = FieldLines()
            lines.append("Content-Range", "bytes \(first)-\(last)/\(size)")
            return StaticResponse(
                status: .partialContent, fieldLines: cached.fieldLines + lines.bytes,
                body: Self.body(of: cached, offset: first, count: last - first + 1), contentLength: last - first + 1)
        case .unsatisfiable:
            var lines = FieldLines()
            lines.append("Content-Range", "bytes */\(size)")
            return .error(.rangeNotSatisfiable, extraFieldLines: lines.bytes)
        }
    }

    /// `count` bytes of a cached file from `offset`: from its bytes in
    /// memory when the cache holds them, else a range to send with sendfile.
    private static func body(of cached: CachedFile, offset: Int64, count: Int64) -> StaticBody {
        guard let contents = cached.contents else { return .file(cached.file, offset: offset, count: count) }
        if offset == 0 && count == Int64(contents.count) { return .bytes(contents) }
        return .bytes(Array(contents[Int(offset)..<Int(offset + count)]))
    }

    /// The response to a failed open: `404` for what is not there, `403`
    /// for what may not be served (a path out of the root, a magic link, a
    /// socket file, no permission), `503` when descriptors run out.
    private static func refusal(_ error: SystemError) -> StaticResponse {
        switch error.code {
        case ENOENT, ENOTDIR, ENAMETOOLONG: .error(.notFound)
        case EXDEV, ELOOP, EACCES, EPERM, ENXIO, ENODEV: .error(.forbidden)
        case EMFILE, ENFILE: .error(.serviceUnavailable)
        default: .error(.internalServerError)
        }
    }

    private static func lastSegment(of path: String) -> Substring {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return path[...] }
        return path[path.utf8.index(after: slash)...]
    }
}
