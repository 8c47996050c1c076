#if canImport(Glibc)
import Glibc
#endif

/// Guards that keep inputs safe.
public enum PathSafety {
    /// Throws when `output` names the same file as `input` (same path, or same inode through
    /// links), so nothing ever writes over an input.
    public static func checkDistinct(input: String, output: String) throws(OptionError) {
        if input == output { throw OptionError(path: output, "output is the input; choose another output path") }
        var a = stat(), b = stat()
        if stat(input, &a) == 0 && stat(output, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino {
            throw OptionError(path: output, "output is the same file as the input '\(input)'; choose another output path")
        }
    }
}
