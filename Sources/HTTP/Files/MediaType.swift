/// The `Content-Type` of a file, by its name's extension (compared ignoring
/// case), as the common static servers map them. Text types name UTF-8
/// (RFC 9110 section 8.3.1): a browser would guess otherwise.
enum MediaType {
    /// The media type for the file named `name` (its last segment):
    /// `application/octet-stream` for an extension not known, or none.
    static func forFileName(_ name: Substring) -> String {
        guard let dot = name.utf8.lastIndex(of: UInt8(ascii: ".")) else { return fallback }
        let fileExtension = name[name.utf8.index(after: dot)...]
        guard !fileExtension.isEmpty, fileExtension.utf8.count <= 8 else { return fallback }
        return byExtension[fileExtension.lowercased()] ?? fallback
    }

    static let fallback = "application/octet-stream"

    private static let byExtension: [String: String] = [
        "html": "text/html; charset=utf-8", "htm": "text/html; charset=utf-8",
        "css": "text/css; charset=utf-8",
        "js": "text/javascript; charset=utf-8", "mjs": "text/javascript; charset=utf-8",
        "json": "application/json", "map": "application/json",
        "webmanifest": "application/manifest+json",
        "wasm": "application/wasm",
        "xml": "application/xml",
        "txt": "text/plain; charset=utf-8", "md": "text/markdown; charset=utf-8",
        "csv": "text/csv; charset=utf-8",
        "svg": "image/svg+xml", "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg",
        "gif": "image/gif", "webp": "image/webp", "avif": "image/avif", "ico": "image/vnd.microsoft.icon",
        "bmp": "image/bmp",
        "pdf": "application/pdf",
        "woff": "font/woff", "woff2": "font/woff2", "ttf": "font/ttf", "otf": "font/otf",
        "mp4": "video/mp4", "webm": "video/webm", "mp3": "audio/mpeg", "ogg": "audio/ogg",
        "wav": "audio/wav", "flac": "audio/flac",
        "zip": "application/zip", "gz": "application/gzip", "tar": "application/x-tar",
    ]
}
