import Glibc

/// Variables of the process environment.
enum ProcessEnvironment {
    /// The value of `name`; nil when it is unset or empty (an empty TMPDIR
    /// means the default, as for the C library's tmpfile functions).
    static func value(_ name: String) -> String? {
        guard let raw = getenv(name) else { return nil }
        let text = String(cString: raw)
        return text.isEmpty ? nil : text
    }
}
