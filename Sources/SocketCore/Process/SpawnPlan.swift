import CSystemShims
import Glibc

/// posix_spawn's attributes and file actions for one request: what the
/// child does between clone and exec, in order. Destroyed with the plan.
final class SpawnPlan {
    private let attributes = UnsafeMutablePointer<posix_spawnattr_t>.allocate(capacity: 1)
    private let actions = UnsafeMutablePointer<posix_spawn_file_actions_t>.allocate(capacity: 1)

    /// `childEnds` holds, for standard input, output and error, the pipe
    /// end the child gets when that stream is `.pipe`.
    init(_ request: SpawnRequest, childEnds: [PipeEnd?]) throws(SystemError) {
        posix_spawnattr_init(attributes)
        posix_spawn_file_actions_init(actions)
        let detail = request.failureDetail

        let flags = POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
        try SystemCall.returningErrno("posix_spawnattr_setflags", detail) {
            posix_spawnattr_setflags(attributes, Int16(flags))
        }
        // 0: a new group whose id is the child's pid.
        try SystemCall.returningErrno("posix_spawnattr_setpgroup", detail) { posix_spawnattr_setpgroup(attributes, 0) }
        var signals = sigset_t()
        sigemptyset(&signals)
        try SystemCall.returningErrno("posix_spawnattr_setsigmask", detail) {
            posix_spawnattr_setsigmask(attributes, &signals)
        }
        // Every signal; glibc's sigfillset leaves out the two it keeps for
        // itself, and SIGKILL and SIGSTOP are default already.
        sigfillset(&signals)
        try SystemCall.returningErrno("posix_spawnattr_setsigdefault", detail) {
            posix_spawnattr_setsigdefault(attributes, &signals)
        }

        if let directory = request.workingDirectory {
            _ = try SystemCall.returningNegativeErrno("posix_spawn_file_actions_addchdir_np", directory) {
                shim_spawn_add_chdir(actions, directory)
            }
        }
        let streams = [request.standardInput, request.standardOutput, request.standardError]
        for (number, stream) in streams.enumerated() {
            let standard = Int32(number)
            switch stream {
            case .inherited:
                continue
            case .nullDevice:
                let mode = standard == STDIN_FILENO ? O_RDONLY : O_WRONLY
                try SystemCall.returningErrno("posix_spawn_file_actions_addopen", "/dev/null") {
                    posix_spawn_file_actions_addopen(actions, standard, "/dev/null", mode, 0)
                }
            case .descriptor(let given):
                try SystemCall.returningErrno("posix_spawn_file_actions_adddup2", "\(given), \(standard)") {
                    posix_spawn_file_actions_adddup2(actions, given, standard)
                }
            case .pipe:
                // dup2 clears close-on-exec on the copy; the pipe end itself
                // (3 or above) goes with the close below.
                let end = childEnds[number]!.withUnsafeFileDescriptor { $0 }
                try SystemCall.returningErrno("posix_spawn_file_actions_adddup2", "\(end), \(standard)") {
                    posix_spawn_file_actions_adddup2(actions, end, standard)
                }
            }
        }
        _ = try SystemCall.returningNegativeErrno("posix_spawn_file_actions_addclosefrom_np", "3") {
            shim_spawn_add_closefrom(actions, 3)
        }
    }

    /// Starts the child; returns its pid.
    func run(_ request: SpawnRequest) throws(SystemError) -> pid_t {
        let arguments = CStringArray(request.argumentVector)
        let environment = CStringArray(request.environmentStrings)
        var pid: pid_t = 0
        try SystemCall.returningErrno("posix_spawn", request.failureDetail) {
            request.searchesPath
                ? posix_spawnp(&pid, request.executable, actions, attributes, arguments.pointers, environment.pointers)
                : posix_spawn(&pid, request.executable, actions, attributes, arguments.pointers, environment.pointers)
        }
        return pid
    }

    deinit {
        posix_spawn_file_actions_destroy(actions)
        posix_spawnattr_destroy(attributes)
        actions.deallocate()
        attributes.deallocate()
    }
}

/// A NULL-terminated array of C strings (an argv or envp), freed with it.
private final class CStringArray {
    let pointers: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
    private let count: Int

    init(_ strings: [String]) {
        count = strings.count
        pointers = .allocate(capacity: count + 1)
        for (index, string) in strings.enumerated() { pointers[index] = strdup(string) }
        pointers[count] = nil
    }

    deinit {
        for index in 0..<count { free(pointers[index]) }
        pointers.deallocate()
    }
}
