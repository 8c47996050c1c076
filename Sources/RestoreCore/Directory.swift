#if canImport(Glibc)
import Glibc
#endif

/// Folder listings for the modules that walk folders (plugins, batches, stale temporaries).
public enum Directory {
    /// The names in folder `path` (without `.` and `..`, unsorted), or nil when it cannot be opened.
    public static func names(_ path: String) -> [String]? {
        guard let dir = opendir(path.isEmpty ? "/" : path) else { return nil }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}
