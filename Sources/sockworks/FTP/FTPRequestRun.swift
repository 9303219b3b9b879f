import FTP
import SystemPackage

/// One request on a logged-in client: the FTP commands it takes, and what
/// it prints.
struct FTPRequestRun {
    let client: FTPClient
    let settings: FTPSettings
    let interactive: Bool

    func run(_ request: FTPRequest) throws(FTPRunError) {
        do throws(FTPError) {
            try runCommands(request)
        } catch {
            throw .ftp(error)
        }
    }

    private func runCommands(_ request: FTPRequest) throws(FTPError) {
        switch request {
        case .list(let path):
            // MLSD where offered (RFC 3659 section 7), its facts in columns
            // of the same shape from any server; else LIST, whose format is
            // the server's own, as it comes.
            if client.features.contains("MLST") {
                for entry in try client.entries(path) { writeStandardOutput(FTPListingText.line(entry)) }
            } else {
                try client.list(path) { _ = try FileDescriptor.standardOutput.writeAll($0) }
            }
        case .names(let path):
            for name in try client.names(path) { writeStandardOutput(FTPListingText.printable(name) + "\n") }
        case .printDirectory:
            writeStandardOutput(try client.currentDirectory() + "\n")
        case .changeDirectory(let path):
            try client.changeDirectory(path)
        case .get(let remote, let local, let resume):
            let count = try FTPDownload(client: client, type: settings.transferType).run(
                remote: remote, local: local, resume: resume)
            if interactive { writeStandardOutput("\(count) bytes from \(remote) to \(local)\n") }
        case .put(let local, let remote):
            let count = try FTPUpload(client: client, type: settings.transferType).run(local: local, remote: remote)
            if interactive { writeStandardOutput("\(count) bytes from \(local) to \(remote)\n") }
        case .makeDirectory(let path):
            let made = try client.makeDirectory(path)
            if interactive { writeStandardOutput("\(made)\n") }
        case .removeDirectory(let path):
            try client.removeDirectory(path)
        case .rename(let from, let to):
            try client.rename(from, to: to)
        case .delete(let path):
            try client.delete(path)
        case .size(let path):
            writeStandardOutput("\(try client.size(path))\n")
        case .modificationTime(let path):
            writeStandardOutput(try client.modificationTime(path) + "\n")
        case .help:
            writeStandardOutput((FTPRequest.usageLines + ["help", "quit"]).joined(separator: "\n") + "\n")
        case .quit:
            break
        }
    }
}
