import ArgumentParser

/// `--cpus 0,1`.
struct CPUPair: ExpressibleByArgument {
    let server: Int
    let load: Int

    init(server: Int, load: Int) {
        self.server = server
        self.load = load
    }

    init?(argument: String) {
        let parts = argument.split(separator: ",").map { Int($0) }
        guard parts.count == 2, let server = parts[0], let load = parts[1], server >= 0, load >= 0 else { return nil }
        self.init(server: server, load: load)
    }
}
