import RestoreCore
#if canImport(Glibc)
import Glibc
#endif

/// Atomic output: write to a hidden temporary file beside the target, then `rename(2)`.
enum AtomicFile {
    static func write(path: String, overwrite: Bool,
                      _ body: (String) throws(EncodeError) -> Void) throws(EncodeError) {
        if !overwrite && access(path, F_OK) == 0 {
            throw EncodeError(path: path, reason: .exists, detail: "")
        }
        let slash = path.lastIndex(of: "/")
        let dir = slash.map { String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var st = stat()
        if stat(dir.isEmpty ? "/" : dir, &st) != 0 || (st.st_mode & S_IFMT) != S_IFDIR {
            throw EncodeError(path: path, reason: .cannotCreate, detail: "folder '\(dir)' does not exist")
        }
        var template = Array("\(dir.isEmpty ? "" : dir)/.\(name).restore-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        if fd < 0 {
            throw EncodeError(path: path, reason: .cannotCreate, detail: String(cString: strerror(errno)))
        }
        close(fd)
        let tmp = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        do {
            try body(tmp)
        } catch {
            unlink(tmp)
            var e = error
            e.path = path
            throw e
        }
        // mkstemp creates 0600; give the file the usual permissions (0666 & ~umask).
        let mask = umask(0); umask(mask)
        chmod(tmp, 0o666 & ~mask)
        if rename(tmp, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(tmp)
            throw EncodeError(path: path, reason: .writeFailed, detail: "rename failed: \(reason)")
        }
    }
}
