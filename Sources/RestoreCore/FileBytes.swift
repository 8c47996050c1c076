#if canImport(Glibc)
import Glibc
#endif

/// Whole small files (ICC profiles, LUTs) read into memory.
public enum FileBytes {
    /// The bytes of `path`, or the reason it could not be read (strerror text, or "larger
    /// than N MB" when it exceeds `limit` bytes).
    public static func read(_ path: String, limit: Int) -> Result<[UInt8], FileReadFailure> {
        guard let fp = fopen(path, "rb") else { return .failure(FileReadFailure(String(cString: strerror(errno)))) }
        defer { fclose(fp) }
        var bytes: [UInt8] = []
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

/// Why `FileBytes.read` failed, in words.
public struct FileReadFailure: Error, Sendable {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
}
