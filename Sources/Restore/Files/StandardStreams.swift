import RestoreCore
import RestoreIO
#if canImport(Glibc)
import Glibc
#endif

/// Single images through stdin and stdout (`restore convert - out.png < in.png`,
/// `restore convert in.tif - --format png > out.png`): stdin is copied to a temporary file
/// (the decoders sniff its format), and an output to stdout is encoded into a temporary file
/// and then copied out. Temporary files live in `$TMPDIR` (default /tmp) and are removed on
/// every exit path, interrupts included.
public struct StandardStreams: Sendable {
    /// The temporary file's path.
    public let path: String
    private let slot: Int?

    /// A new empty temporary file whose name ends in `.ext`.
    public init(extension ext: String) throws(EncodeError) {
        var dir = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        if dir.isEmpty { dir = "/tmp" }
        var template = Array("\(dir)/restore-stdio-XXXXXX.\(ext)".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemps($0.baseAddress!, Int32(ext.utf8.count + 1)) }
        if fd < 0 { throw EncodeError(path: dir, reason: .cannotCreate, detail: "temporary file: \(String(cString: strerror(errno)))") }
        close(fd)
        path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        slot = Interrupts.register(path)
    }

    /// Copies stdin into a temporary file, refusing more than `limit` bytes.
    public static func spoolInput(limit: Int) throws -> StandardStreams {
        let spool = try StandardStreams(extension: "in")
        do {
            let fd = open(spool.path, O_WRONLY | O_TRUNC)
            defer { close(fd) }
            try copy(from: 0, to: fd, limit: limit, what: "-")
        } catch { spool.remove(); throw error }
        return spool
    }

    /// Copies the temporary file to stdout, then removes it.
    public func emit() throws {
        defer { remove() }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw EncodeError(path: "-", reason: .writeFailed, detail: String(cString: strerror(errno))) }
        defer { close(fd) }
        try Self.copy(from: fd, to: 1, limit: Int.max, what: "-")
    }

    public func remove() {
        unlink(path)
        Interrupts.unregister(slot)
    }

    static func copy(from input: Int32, to output: Int32, limit: Int, what: String) throws {
        let size = 1 << 20
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: size)
        defer { buffer.deallocate() }
        var total = 0
        while true {
            let n = read(input, buffer, size)
            if n < 0 { if errno == EINTR { continue }; throw DecodeError(path: what, format: nil, reason: .unreadable, detail: String(cString: strerror(errno))) }
            if n == 0 { return }
            total += n
            if total > limit {
                throw DecodeError(path: what, format: nil, reason: .unreadable, detail: "more than \(limit >> 20) MB on stdin (raise --max-megapixels)")
            }
            var sent = 0
            while sent < n {
                let m = write(output, buffer + sent, n - sent)
                if m < 0 { if errno == EINTR { continue }; throw EncodeError(path: "-", reason: .writeFailed, detail: String(cString: strerror(errno))) }
                sent += m
            }
        }
    }
}
