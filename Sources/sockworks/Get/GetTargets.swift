/// The command's positional arguments as URL texts.
enum GetTargets {
    /// `URL...`, or the lab's `HOST PORT PATH` (three arguments, the first
    /// without a scheme, the second a number) as `http://HOST:PORT/PATH`.
    static func urls(_ arguments: [String]) -> [String] {
        guard arguments.count == 3, !arguments[0].contains("://"), !arguments[1].isEmpty,
            arguments[1].utf8.allSatisfy({ $0 &- 0x30 < 10 })
        else { return arguments }
        let host = arguments[0].contains(":") ? "[\(arguments[0])]" : arguments[0]
        let path = arguments[2].hasPrefix("/") ? arguments[2] : "/" + arguments[2]
        return ["http://\(host):\(arguments[1])\(path)"]
    }
}
