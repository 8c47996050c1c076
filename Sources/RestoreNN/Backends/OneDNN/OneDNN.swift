import CDNNL
#if canImport(Glibc)
import Glibc
#endif

/// The oneDNN CPU engine and stream shared by all fast layers (oneDNN's OpenMP build takes its
/// thread count from `OneDNN.configure(threads:)`).
final class OneDNN: @unchecked Sendable {
    static let shared = OneDNN()
    let engine: dnnl_engine_t?
    let stream: dnnl_stream_t?
    private var lock = pthread_mutex_t()

    private init() {
        var e: dnnl_engine_t?
        var s: dnnl_stream_t?
        if dnnl_engine_create(&e, dnnl_cpu, 0) == dnnl_success, let e {
            if dnnl_stream_create(&s, e, dnnl_stream_default_flags.rawValue) != dnnl_success { s = nil }
        }
        engine = e
        stream = s
        pthread_mutex_init(&lock, nil)
    }

    var available: Bool { engine != nil && stream != nil }

    /// The blocked activation layout matching `Tensor.block`.
    static var blockedTag: dnnl_format_tag_t { Tensor.block == 16 ? dnnl_nChw16c : dnnl_nChw8c }

    /// Sets the OpenMP thread count oneDNN uses (libgomp reads OMP_NUM_THREADS when it loads,
    /// so this calls `omp_set_num_threads`, found at run time in the already-loaded libgomp).
    static func configure(threads: Int) {
        typealias SetThreads = @convention(c) (Int32) -> Void
        guard let sym = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "omp_set_num_threads") else { return }
        unsafeBitCast(sym, to: SetThreads.self)(Int32(max(1, threads)))
    }

    func locked<T>(_ f: () throws -> T) rethrows -> T {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        return try f()
    }

    /// A plain (nchw / oihw / x) f32 memory descriptor.
    static func plain(_ dims: [Int64], tag: dnnl_format_tag_t) -> dnnl_memory_desc_t {
        var md = dnnl_memory_desc_t()
        var d = dims
        _ = d.withUnsafeMutableBufferPointer { dnnl_memory_desc_init_by_tag(&md, Int32(dims.count), $0.baseAddress, dnnl_f32, tag) }
        return md
    }
    static func any(_ dims: [Int64]) -> dnnl_memory_desc_t { plain(dims, tag: dnnl_format_tag_any) }

    /// A memory object over `pointer` (not owned) or, with nil, owned by oneDNN.
    func memory(_ md: dnnl_memory_desc_t, _ pointer: UnsafeMutableRawPointer?) -> dnnl_memory_t? {
        var m: dnnl_memory_t?
        var desc = md
        let handle = pointer ?? UnsafeMutableRawPointer(bitPattern: -1)  // DNNL_MEMORY_ALLOCATE
        return dnnl_memory_create(&m, &desc, engine, handle) == dnnl_success ? m : nil
    }

    /// Copies `from` (layout `a`) into `to` (layout `b`).
    func reorder(_ a: dnnl_memory_desc_t, _ from: dnnl_memory_t, _ b: dnnl_memory_desc_t, _ to: dnnl_memory_t) -> Bool {
        var pd: dnnl_primitive_desc_t?
        var x = a, y = b
        guard dnnl_reorder_primitive_desc_create(&pd, &x, engine, &y, engine, nil) == dnnl_success, let pd else { return false }
        defer { dnnl_primitive_desc_destroy(pd) }
        var prim: dnnl_primitive_t?
        guard dnnl_primitive_create(&prim, pd) == dnnl_success, let prim else { return false }
        defer { dnnl_primitive_destroy(prim) }
        return execute(prim, [dnnl_exec_arg_t(arg: DNNL_ARG_FROM, memory: from), dnnl_exec_arg_t(arg: DNNL_ARG_TO, memory: to)])
    }

    /// Runs `prim` on the shared stream with `args` and waits for it: true when both succeeded.
    func execute(_ prim: dnnl_primitive_t, _ args: [dnnl_exec_arg_t]) -> Bool {
        var args = args
        return dnnl_primitive_execute(prim, stream, Int32(args.count), &args) == dnnl_success && dnnl_stream_wait(stream) == dnnl_success
    }

    /// `cache[key]`, compiled by `make` on first use; under the lock, so concurrent runs of one
    /// layer compile each shape once. A failed `make` is not cached.
    func cached<Key: Hashable, Value>(_ cache: inout [Key: Value], _ key: Key, _ make: () -> Value?) -> Value? {
        locked {
            if let v = cache[key] { return v }
            let v = make()
            if let v { cache[key] = v }
            return v
        }
    }
}
