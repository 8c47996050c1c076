#if canImport(Glibc)
import Glibc
#endif

/// Where the bundled `Plugins/` and `LUTs/` live, so that an installed or freshly built
/// binary finds them from any working directory. Searched in order:
/// 1. `$RESTORE_DATA_DIR` (a folder holding `Plugins/` and `LUTs/`);
/// 2. `<prefix>/share/restore` for a binary installed as `<prefix>/bin/restore`;
/// 3. the source checkout the binary was built in (walking up from the executable, which
///    SwiftPM puts under `.build/<triple>/<config>/`);
/// 4. the restore package this module was compiled from (its source path, recorded at build
///    time). This is what a host package that depends on restore finds: SwiftPM keeps the
///    checkout (`.build/checkouts/restore`, or the local path of a path dependency) beside
///    its build, so `import Restore` in another package sees the bundled plugins and LUTs
///    with no environment variable. A binary copied to another machine without a data folder
///    finds none (and a stage that needs a plugin then fails, naming the paths searched).
public enum DataPaths {
    /// The package root this file was compiled in (Sources/Restore/Pipeline/DataPaths.swift).
    public static let sourceCheckout: String = {
        var p = #filePath
        for _ in 0..<4 { p = parent(p) }
        return p
    }()

    /// The data folder, or nil when none is found.
    public static func root(executable: String? = nil, source: String? = sourceCheckout) -> String? {
        if let env = getenv("RESTORE_DATA_DIR") {
            let dir = String(cString: env)
            if isDataRoot(dir) { return dir }
        }
        guard let exe = executable ?? executablePath() else { return nil }
        var dir = parent(exe)
        let share = parent(dir) + "/share/restore"
        if isDataRoot(share) { return share }
        for _ in 0..<6 {
            if isDataRoot(dir) && exists(dir + "/Package.swift") { return dir }
            let up = parent(dir)
            if up == dir { break }
            dir = up
        }
        if let source, isDataRoot(source) { return source }
        return nil
    }

    public static var plugins: String? { root().map { $0 + "/Plugins" } }
    /// The folder of the running executable (SwiftPM builds the bundled native plugins there).
    public static var executableDirectory: String? { executablePath().map(parent) }
    public static var luts: String? { root().map { $0 + "/LUTs" } }

    static func isDataRoot(_ dir: String) -> Bool { isDir(dir + "/Plugins") && isDir(dir + "/LUTs") }

    static func executablePath() -> String? {
        var buf = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buf, buf.count - 1)
        guard n > 0 else { return nil }
        return buf.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    static func parent(_ p: String) -> String {
        guard let i = p.lastIndex(of: "/") else { return "." }
        return i == p.startIndex ? "/" : String(p[..<i])
    }
    static func exists(_ p: String) -> Bool { access(p, F_OK) == 0 }
    static func isDir(_ p: String) -> Bool {
        var st = stat()
        return stat(p, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }
}
