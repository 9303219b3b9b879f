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

    public init() {}
}
