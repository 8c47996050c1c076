#if canImport(Glibc)
import Glibc
#endif

/// Whole small files (ICC profiles, LUTs) read into memory.
public enum FileBytes {
    /// The bytes of `path`, or the reason it could not be read (strerror text, "not a regular
    /// file", or "larger than N MB" when it exceeds `limit` bytes — known from its size before
    /// anything is read). FIFOs and devices are refused at once rather than read without end.
    public static func read(_ path: String, limit: Int) -> Result<[UInt8], FileReadFailure> {
        var pre = stat()  // before opening: opening a FIFO blocks until someone writes to it
        if stat(path, &pre) == 0, let why = notRegular(pre) { return .failure(FileReadFailure(why)) }
        guard let fp = fopen(path, "rb") else { return .failure(FileReadFailure(String(cString: strerror(errno)))) }
        defer { fclose(fp) }
        var st = stat()
        guard fstat(fileno(fp), &st) == 0 else { return .failure(FileReadFailure(String(cString: strerror(errno)))) }
        if let why = notRegular(st) { return .failure(FileReadFailure(why)) }
        if Int(st.st_size) > limit { return .failure(FileReadFailure("larger than \(limit >> 20) MB (\(Int(st.st_size) >> 20) MB)")) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(st.st_size) + 1)  // one allocation (and room for a terminator)
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = fread(&chunk, 1, chunk.count, fp)
            if n <= 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
            if bytes.count > limit { return .failure(FileReadFailure("larger than \(limit >> 20) MB")) }
        }
        if ferror(fp) != 0 { return .failure(FileReadFailure("read error")) }
        return .success(bytes)
    }
}

extension FileBytes {
    /// Why a file with status `st` is not one restore reads (nil: a regular file).
    public static func notRegular(_ st: stat) -> String? {
        switch st.st_mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFDIR: return "is a folder"
        case S_IFIFO: return "is a FIFO (pipe); restore reads regular files (use '-' with --raw for streams)"
        case S_IFCHR, S_IFBLK: return "is a device; restore reads regular files"
        default: return "is not a regular file"
        }
    }
}

/// Why `FileBytes.read` failed, in words.
public struct FileReadFailure: Error, Sendable {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
}
