import SocketCore

/// The HTML page that lists a directory without an index file.
enum DirectoryListing {
    /// A page listing `entries` of the directory at `path` (the decoded
    /// request path, ending in `/`): sorted by name, directories with a
    /// trailing `/`, names that start with `.` left out unless `dotFiles`.
    /// Names are HTML-escaped where shown and percent-encoded in links, so
    /// a file named `<script>` or `a&b "c"` is text and a working link.
    static func html(path: String, entries: [OpenDirectory.Entry], dotFiles: Bool) -> String {
        let shown =
            entries
            .filter { dotFiles || $0.name.first != UInt8(ascii: ".") }
            .sorted { $0.name.lexicographicallyPrecedes($1.name) }
        let title = HTMLText.escaped("Index of " + path)
        var page = """
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><title>\(title)</title></head>
            <body><h1>\(title)</h1>
            <ul>

            """
        if path != "/" { page += "<li><a href=\"../\">../</a></li>\n" }
        for entry in shown {
            let slash = entry.isDirectory ? "/" : ""
            let link = PercentEncoding.encode(entry.name) + slash
            let name = HTMLText.escaped(String(decoding: entry.name, as: UTF8.self)) + slash
            page += "<li><a href=\"\(link)\">\(name)</a></li>\n"
        }
        page += "</ul>\n</body></html>\n"
        return page
    }
}
