#if canImport(Glibc)
import Glibc
#endif

/// Atomic output for every writer (images, LUTs): data goes to a hidden temporary file beside
/// the target (`.<name>.restore-<pid>-XXXXXX`), which is renamed over the target only when
/// complete. On any failure, and on SIGINT/SIGTERM/SIGHUP (`Interrupts`), the temporary file
/// is removed, so nothing half-written is ever left. A process killed outright (SIGKILL)
/// leaves its file; the next write of the same target removes every such file whose process
/// is gone (`find DIR -name '.*.restore-*' -delete` removes them by hand).
public enum AtomicFile {
    /// Why an atomic write could not happen (the caller turns it into its own error type).
    public enum Failure: Sendable {
        /// The target exists and overwriting was not allowed.
        case exists
        /// The folder is missing or the temporary file could not be created.
        case cannotCreate
        /// The final rename failed.
        case renameFailed
    }

    /// Calls `body` with a temporary path in the target's folder, then renames it to `path`.
    public static func write<E: Error>(path: String, overwrite: Bool,
                                       failure: (Failure, String) -> E,
                                       _ body: (String) throws(E) -> Void) throws(E) {
        if !overwrite && access(path, F_OK) == 0 { throw failure(.exists, "") }
        let slash = path.lastIndex(of: "/")
        let dir = slash.map { String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var st = stat()
        if stat(dir.isEmpty ? "/" : dir, &st) != 0 || (st.st_mode & S_IFMT) != S_IFDIR {
            throw failure(.cannotCreate, "folder '\(dir)' does not exist")
        }
        removeStale(dir: dir, name: name)
        var template = Array("\(dir)/.\(name).restore-\(getpid())-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        if fd < 0 { throw failure(.cannotCreate, String(cString: strerror(errno))) }
        close(fd)
        let tmp = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        let slot = Interrupts.register(tmp)
        defer { Interrupts.unregister(slot) }
        do {
            try body(tmp)
        } catch {
            unlink(tmp)
            throw error
        }
        // mkstemp creates 0600; give the file the usual permissions (0666 & ~umask).
        let mask = umask(0)
        umask(mask)
        chmod(tmp, 0o666 & ~mask)
        if rename(tmp, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(tmp)
            throw failure(.renameFailed, "rename failed: \(reason)")
        }
    }

    /// Removes `.<name>.restore-<pid>-*` files in `dir` whose process no longer exists.
    static func removeStale(dir: String, name: String) {
        let prefix = ".\(name).restore-"
        for file in Directory.names(dir) ?? [] {
            guard file.hasPrefix(prefix) else { continue }
            let rest = file.dropFirst(prefix.count)
            guard let dash = rest.firstIndex(of: "-"), let pid = Int32(rest[..<dash]), pid > 0 else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { unlink("\(dir)/\(file)") }
        }
    }
}
