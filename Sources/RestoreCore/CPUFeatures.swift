#if canImport(Glibc)
import Glibc
#endif

/// What the processor offers, read once from `/proc/cpuinfo` (Linux); all false elsewhere.
public enum CPUFeatures {
    /// AVX-512 F, BW, DQ and VL: the "AVX-512 core" level that wide SIMD kernels want.
    /// This machine's architecture as ELF names it ("x86-64", "AArch64").
    public static var machine: String {
        #if arch(x86_64)
        return "x86-64"
        #elseif arch(arm64)
        return "AArch64"
        #else
        return "unknown"
        #endif
    }

    public static let avx512: Bool = {
        let flags = cpuFlags
        return ["avx512f", "avx512bw", "avx512dq", "avx512vl"].allSatisfy(flags.contains)
    }()

    /// The `flags` of the first processor in /proc/cpuinfo.
    static let cpuFlags: Set<String> = {
        guard let fp = fopen("/proc/cpuinfo", "r") else { return [] }
        defer { fclose(fp) }
        var line = [CChar](repeating: 0, count: 8192)
        while fgets(&line, Int32(line.count), fp) != nil {
            let text = line.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            guard text.hasPrefix("flags") || text.hasPrefix("Features"), let colon = text.firstIndex(of: ":") else { continue }
            return Set(text[text.index(after: colon)...].split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).map(String.init))
        }
        return []
    }()
}
