#if canImport(Glibc)
import Glibc
#endif

/// Process-wide memory policy for programs that allocate and free many large buffers (network
/// blobs of tens of MB per layer).
public enum MemoryPolicy {
    /// Makes glibc serve large allocations from its heap instead of fresh `mmap`s and keep
    /// freed memory for reuse instead of returning it to the kernel: each layer's output then
    /// reuses pages already faulted in (page faults took a third of the run time of a network
    /// on a 512×512 image). The peak resident size is unchanged; memory goes back at exit.
    /// Call once at program start; it changes the whole process, so the library never does.
    public static func retainFreedBuffers() {
        #if canImport(Glibc)
        // mallopt(3) from <malloc.h>, which Swift's Glibc module does not import.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let sym = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        let mallopt = unsafeBitCast(sym, to: Mallopt.self)
        let M_TRIM_THRESHOLD: Int32 = -1, M_MMAP_MAX: Int32 = -4
        _ = mallopt(M_MMAP_MAX, 0)
        _ = mallopt(M_TRIM_THRESHOLD, Int32.max)
        #endif
    }
}
