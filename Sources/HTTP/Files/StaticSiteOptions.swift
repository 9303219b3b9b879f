/// How a `StaticSite` serves its root directory.
public struct StaticSiteOptions: Sendable {
    /// The file served for a directory's path (ending in `/`) when it has one.
    public var index = "index.html"
    /// An HTML listing of a directory that has no index file (else `403`).
    public var listing = false
    /// Whether names that start with `.` are served and listed (else `404`):
    /// `.git`, `.env` and `.htpasswd` are not meant for the world.
    public var dotFiles = false
    /// How long an open file in the cache is served without looking at the
    /// file system again (see `StaticSite`).
    public var fileCacheValidity: Duration = .seconds(1)
    /// How many open files the cache keeps at most.
    public var fileCacheEntries = 1024
    /// Files of at most this many bytes are read into the cache when they
    /// enter it, and their bodies go out in the same send(2) as the head;
    /// larger ones go out with sendfile(2). 0: every body with sendfile.
    ///
    /// sendfile's splice of a few pages costs more than the copy it saves:
    /// on the machine of the 2026-12-01 measurements a keep-alive GET of a
    /// 1 KiB file cost 14.4 µs of server CPU with sendfile and 11.0 µs
    /// from memory (nginx and lighttpd copy small files too: pread and
    /// writev). With the default cache, at most 16 MiB is held this way.
    public var copiedFileLimit: Int64 = 16 * 1024

    public init() {}
}
