import Glibc
import Servers
import SocketCore

/// What every session of one server shares to run scripts: the options,
/// the scripts' folder opened once (so that a name can never lead out of
/// it), the slots that bound how many run at once, and the facts the
/// meta-variables take from the server.
final class ScriptContext: Sendable {
    let options: CGIOptions
    let folder: RootDirectory
    let slots: ScriptSlots
    let documentRoot: String
    /// The address the server listens on: SERVER_NAME without a Host
    /// field, and SERVER_PORT.
    let serverAddress: String
    let serverPort: UInt16
    let serverSoftware: String
    /// The server's PATH, the one variable of its own environment that
    /// scripts get (RFC 3875 section 4.1: the rest is the request's).
    let path: String?

    init(options: CGIOptions, documentRoot: String, local: SocketAddress?, serverSoftware: String)
        throws(SystemError)
    {
        self.options = options
        folder = try RootDirectory(path: options.directory)
        slots = ScriptSlots(limit: options.maxScripts)
        self.documentRoot = PidFile.absolute(documentRoot)
        serverAddress = local?.ipAddress?.description ?? "127.0.0.1"
        serverPort = local?.port ?? 80
        self.serverSoftware = serverSoftware
        path = getenv("PATH").map { String(cString: $0) }
    }

    /// The script `target` names, if it is one that may run: a regular
    /// file in the folder itself (a symbolic link that leads out is
    /// refused, like the static site's). Returns its path, or the status
    /// and reason to answer with.
    func locate(_ target: CGITarget) -> Result<String, ScriptProcess.StartFailure> {
        let path = options.scriptPath(target)
        do {
            switch try folder.open(target.name) {
            case .file: return .success(path)
            case .directory, .other: return .failure(.init(status: .forbidden, reason: "\(path) is not a regular file"))
            }
        } catch  where error.code == ENOENT || error.code == ENOTDIR {
            return .failure(.init(status: .notFound, reason: "no script \(path)"))
        } catch  where error.code == EXDEV || error.code == ELOOP {
            return .failure(.init(status: .forbidden, reason: "\(path) leads out of the script folder"))
        } catch  where error.code == EACCES {
            // Unreadable but maybe executable (a compiled program, mode 0711):
            // posix_spawn decides.
            return .success(path)
        } catch {
            return .failure(.init(status: .internalServerError, reason: "\(path): \(error)"))
        }
    }
}
