/// The content type of an attached file, by its extension; what the
/// extension does not name is `application/octet-stream` (RFC 2046 §4.5.1).
public enum MediaType {
    private static let byExtension: [String: String] = [
        "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif",
        "webp": "image/webp", "svg": "image/svg+xml", "pdf": "application/pdf", "txt": "text/plain",
        "html": "text/html", "htm": "text/html", "csv": "text/csv", "json": "application/json",
        "zip": "application/zip", "gz": "application/gzip",
    ]

    /// The type of a file named `name` (a path or a file name).
    public static func forFile(named name: String) -> String {
        let fileName = FileName.lastComponent(of: name)
        guard let dot = fileName.lastIndex(of: "."), dot != fileName.startIndex else {
            return "application/octet-stream"
        }
        let fileExtension = fileName[fileName.index(after: dot)...].lowercased()
        return byExtension[fileExtension] ?? "application/octet-stream"
    }
}

enum FileName {
    /// The last component of `path`: the name a part is given.
    static func lastComponent(of path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }
}
