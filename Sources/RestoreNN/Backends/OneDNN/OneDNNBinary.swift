import CDNNL

/// A two-input BinaryOp (add, sub, mul, max, min: the residual adds and skips of U-Nets and
/// ResNets) run by oneDNN's binary primitive: on oneDNN's threads, which are otherwise left
/// spinning while one thread does the pass, and on either layout the graph gives it. Out of
/// place into an uninitialised buffer. Agrees with `BinaryOpLayer` (the reference) bit for bit
/// (one IEEE operation per element; tested).
final class OneDNNBinary: Layer, @unchecked Sendable {
    let reference: BinaryOpLayer
    var spec: LayerSpec { reference.spec }
    var acceptsBlocked: Bool { true }
    private let algorithm: dnnl_alg_kind_t
    private struct Compiled { let pd: dnnl_primitive_desc_t, prim: dnnl_primitive_t, md: dnnl_memory_desc_t, floats: Int }
    private struct Key: Hashable { let c: Int, h: Int, w: Int, blocked: Bool }
    private var cache: [Key: Compiled] = [:]

    /// Nil for one-input (scalar) forms and for the ops oneDNN lacks or that would not keep the
    /// blocked layout's padded lanes zero (div: 0 / 0).
    init?(_ layer: BinaryOpLayer) {
        let table: [Int: dnnl_alg_kind_t] = [0: dnnl_binary_add, 1: dnnl_binary_sub, 2: dnnl_binary_mul,
                                             4: dnnl_binary_max, 5: dnnl_binary_min]
        guard OneDNN.shared.available, !layer.withScalar, let alg = table[layer.op] else { return nil }
        reference = layer
        algorithm = alg
    }

    deinit { for c in cache.values { dnnl_primitive_destroy(c.prim); dnnl_primitive_desc_destroy(c.pd) } }

    private func compile(c: Int, h: Int, w: Int, blocked: Bool) -> Compiled? {
        let dnn = OneDNN.shared
        var md = OneDNN.plain([1, Int64(c), Int64(h), Int64(w)], tag: blocked ? OneDNN.blockedTag : dnnl_nchw)
        var a = md, b = md
        var desc = dnnl_binary_desc_t()
        guard dnnl_binary_desc_init(&desc, algorithm, &a, &b, &md) == dnnl_success else { return nil }
        var pd: dnnl_primitive_desc_t?
        guard dnnl_primitive_desc_create(&pd, &desc, nil, dnn.engine, nil) == dnnl_success, let pd else { return nil }
        var prim: dnnl_primitive_t?
        guard dnnl_primitive_create(&prim, pd) == dnnl_success, let prim else { dnnl_primitive_desc_destroy(pd); return nil }
        return Compiled(pd: pd, prim: prim, md: md, floats: dnnl_memory_desc_get_size(&md) / 4)
    }

    func forward(_ inputs: [Tensor]) throws(NNError) -> [Tensor] {
        let ins = sameLayout(inputs)
        let x = ins[0], y = ins[1]
        guard y.c == x.c && y.h == x.h && y.w == x.w, x.data.count == y.data.count else { return try reference.forward(inputs) }
        let dnn = OneDNN.shared
        let key = Key(c: x.c, h: x.h, w: x.w, blocked: x.blocked)
        let compiled = dnn.cached(&cache, key) { compile(c: x.c, h: x.h, w: x.w, blocked: x.blocked) }
        guard let k = compiled, k.floats == x.data.count else { return try reference.forward(inputs) }
        var out = x
        var ok = false
        // oneDNN only reads the sources: borrow them (a mutable borrow would copy a shared blob).
        out.data = [Float](unsafeUninitializedCapacity: x.data.count) { o, n in
            ok = x.data.withUnsafeBytes { xb in y.data.withUnsafeBytes { yb in
                guard let s0 = dnn.memory(k.md, UnsafeMutableRawPointer(mutating: xb.baseAddress)),
                      let s1 = dnn.memory(k.md, UnsafeMutableRawPointer(mutating: yb.baseAddress)),
                      let d = dnn.memory(k.md, UnsafeMutableRawPointer(o.baseAddress)) else { return false }
                defer { dnnl_memory_destroy(s0); dnnl_memory_destroy(s1); dnnl_memory_destroy(d) }
                return dnn.execute(k.prim, [dnnl_exec_arg_t(arg: DNNL_ARG_SRC_0, memory: s0), dnnl_exec_arg_t(arg: DNNL_ARG_SRC_1, memory: s1),
                                            dnnl_exec_arg_t(arg: DNNL_ARG_DST, memory: d)])
            } }
            n = x.data.count
        }
        return ok ? [out] : try reference.forward(inputs)
    }

    func infer(_ inputs: [BlobInfo]) throws(NNError) -> [BlobInfo] { try reference.infer(inputs) }
}
