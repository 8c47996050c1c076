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
        // `d_name` is read in place: a record is only as long as its name (`d_reclen`), so
        // copying the whole `dirent` (`entry.pointee`) reads past the last one (AddressSanitizer
        // found it: heap-buffer-overflow in the batch's stale-temporary sweep).
        let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
        while let entry = readdir(dir) {
            let name = String(cString: (UnsafeRawPointer(entry) + nameOffset).assumingMemoryBound(to: CChar.self))
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}
