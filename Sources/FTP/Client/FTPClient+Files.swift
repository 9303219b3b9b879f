extension FTPClient {
    /// PWD: the 257 reply's path, its doubled quotes undone (RFC 959
    /// Appendix II).
    public func currentDirectory() throws(FTPError) -> String {
        let reply = try command("PWD", .printDirectory)
        guard reply.code == 257 else { throw refusal(reply, .printDirectory) }
        do {
            return try PathReply.path(in: reply)
        } catch {
            throw malformed(error, .printDirectory)
        }
    }

    /// CWD.
    public func changeDirectory(_ path: String) throws(FTPError) {
        try CommandArgument.checkPath(path)
        try expectPositive(try command("CWD \(path)", .changeDirectory), .changeDirectory)
    }

    /// MKD: the path of the directory made, as the 257 reply names it.
    @discardableResult
    public func makeDirectory(_ path: String) throws(FTPError) -> String {
        try CommandArgument.checkPath(path)
        let reply = try command("MKD \(path)", .makeDirectory)
        guard reply.code == 257 else { throw refusal(reply, .makeDirectory) }
        do {
            return try PathReply.path(in: reply)
        } catch {
            throw malformed(error, .makeDirectory)
        }
    }

    /// RMD.
    public func removeDirectory(_ path: String) throws(FTPError) {
        try CommandArgument.checkPath(path)
        try expectPositive(try command("RMD \(path)", .removeDirectory), .removeDirectory)
    }

    /// DELE.
    public func delete(_ path: String) throws(FTPError) {
        try CommandArgument.checkPath(path)
        try expectPositive(try command("DELE \(path)", .delete), .delete)
    }

    /// RNFR, which must be answered 350, then RNTO (RFC 959 section 4.1.3).
    public func rename(_ from: String, to: String) throws(FTPError) {
        try CommandArgument.checkPath(from, role: "path to rename")
        try CommandArgument.checkPath(to, role: "new path")
        try expect(try command("RNFR \(from)", .renameFrom), 350, .renameFrom)
        try expectPositive(try command("RNTO \(to)", .renameTo), .renameTo)
    }

    /// SIZE (RFC 3659 section 4), under TYPE I: in TYPE A the size is the
    /// count of octets as they would be sent, which servers differ on.
    public func size(_ path: String) throws(FTPError) -> Int64 {
        try CommandArgument.checkPath(path)
        try setType(.binary)
        let reply = try command("SIZE \(path)", .size)
        guard reply.code == 213 else { throw refusal(reply, .size) }
        do {
            return try FileFactsReply.size(in: reply)
        } catch {
            throw malformed(error, .size)
        }
    }

    /// MDTM (RFC 3659 section 3): "YYYYMMDDHHMMSS", in UTC.
    public func modificationTime(_ path: String) throws(FTPError) -> String {
        try CommandArgument.checkPath(path)
        let reply = try command("MDTM \(path)", .modificationTime)
        guard reply.code == 213 else { throw refusal(reply, .modificationTime) }
        do {
            return try FileFactsReply.modificationTime(in: reply)
        } catch {
            throw malformed(error, .modificationTime)
        }
    }

    /// TYPE I or TYPE A (RFC 959 section 4.1.2), unless it is in force.
    func setType(_ type: FTPTransferType) throws(FTPError) {
        guard currentType != type else { return }
        try expect(try command(type == .binary ? "TYPE I" : "TYPE A", .type), 200, .type)
        currentType = type
    }
}
