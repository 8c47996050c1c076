import CDNNL
#if canImport(Glibc)
import Glibc
#endif

/// A Convolution layer run by oneDNN: zero padding, bias and the fused activation in one
/// primitive. Between fast layers tensors stay in oneDNN's blocked nChw8c layout (no
/// reorders); layers that cannot read it get plain CHW from the graph runner. (oneDNN 2.6's
/// AVX2 kernels have no PReLU post-op — asking for one selects its slow reference kernel — so
/// a following PReLU is fused here as our own pass over the fresh output, in place.)
/// Primitives and reordered weights are cached per input size and layout. Agrees with
/// `ConvolutionLayer` (the reference) within float rounding (tested).
final class OneDNNConvolution: Layer, @unchecked Sendable {
    /// The reference layer this one accelerates (a Convolution or a Deconvolution).
    let reference: any Layer
    let g: ConvGeometry
    let deconvolution: Bool
    var spec: LayerSpec { fusedSpec ?? reference.spec }
    var acceptsBlocked: Bool { true }
    /// Set when a following PReLU was fused: its slopes, and the spec writing its output blob.
    private(set) var prelu: [Float]?
    private var fusedSpec: LayerSpec?
    /// Threads for the fused PReLU pass.
    var threads = 1

    /// Takes over `layer` (a PReLU reading this layer's only output): this layer then writes
    /// the PReLU's output blob.
    func fuse(_ layer: PReLULayer) {
        prelu = layer.slopes
        var s = reference.spec
        s.outputs = layer.spec.outputs
        fusedSpec = s
    }
    private var inC: Int { g.inC }
    private struct Compiled {
        let pd: dnnl_primitive_desc_t, prim: dnnl_primitive_t
        let srcMD: dnnl_memory_desc_t, dstMD: dnnl_memory_desc_t
        let weights: dnnl_memory_t, bias: dnnl_memory_t?
        let oh: Int, ow: Int, dstFloats: Int
        /// Output in nChw8c (else plain CHW).
        let dstBlocked: Bool
    }
    private var cache: [Int: Compiled] = [:]  // key: h, w, input layout

    /// Nil when oneDNN cannot run this layer (non-zero pad value, an activation oneDNN lacks).
    init?(_ conv: ConvolutionLayer) {
        guard OneDNN.shared.available, conv.padValue == 0, Self.supported(conv.g.activation) else { return nil }
        reference = conv
        deconvolution = false
        g = conv.g
    }

    /// A Deconvolution (no output padding: oneDNN's padding can only shrink the full output).
    init?(_ deconv: DeconvolutionLayer) {
        guard OneDNN.shared.available, deconv.outPadR == 0, deconv.outPadB == 0, Self.supported(deconv.g.activation) else { return nil }
        reference = deconv
        deconvolution = true
        g = deconv.g
    }

    private static func supported(_ a: Activation) -> Bool {
        switch a {
        case .none, .relu, .leaky, .clip, .sigmoid: return true
        default: return false
        }
    }

    /// Weights reordered into each layout a primitive asked for, shared by every input size
    /// that uses the same layout (tiles of a few sizes must not multiply the weights).
    private var weightCache: [(md: dnnl_memory_desc_t, memory: dnnl_memory_t)] = []
    private var biasMemory: dnnl_memory_t?

    deinit {
        for c in cache.values { dnnl_primitive_destroy(c.prim); dnnl_primitive_desc_destroy(c.pd) }
        for w in weightCache { dnnl_memory_destroy(w.memory) }
        if let b = biasMemory { dnnl_memory_destroy(b) }
    }

    /// The weights in layout `md`: reordered once from oihw (owned by oneDNN), then reused.
    private func reorderedWeights(_ md: dnnl_memory_desc_t) -> dnnl_memory_t? {
        var want = md
        for i in weightCache.indices where dnnl_memory_desc_equal(&weightCache[i].md, &want) != 0 { return weightCache[i].memory }
        let dnn = OneDNN.shared
        var weights = g.weights
        let plainW = OneDNN.plain([Int64(g.outC), Int64(inC), Int64(g.kh), Int64(g.kw)], tag: dnnl_oihw)
        guard let owned = dnn.memory(md, nil) else { return nil }
        let ok = weights.withUnsafeMutableBytes { b -> Bool in
            guard let wPlain = dnn.memory(plainW, b.baseAddress) else { return false }
            defer { dnnl_memory_destroy(wPlain) }
            return dnn.reorder(plainW, wPlain, md, owned)
        }
        guard ok else { dnnl_memory_destroy(owned); return nil }
        weightCache.append((md, owned))
        return owned
    }

    /// A primitive on oneDNN's optimised kernels: blocked output first, then plain output
    /// (some deconvolutions have a fast kernel only for that); never its `ref` kernels.
    /// Whether 3×3 convolutions may use oneDNN's Winograd kernels (AVX-512 only; F(4,3): about
    /// 2× fewer multiplies, results within 1e-5 of direct). On by default; off for tests that
    /// pin the direct algorithm (`RESTORE_WINOGRAD=0` turns it off for a process).
    nonisolated(unsafe) static var allowWinograd = getenv("RESTORE_WINOGRAD").map { String(cString: $0) != "0" } ?? true

    private func compile(h: Int, w: Int, blockedInput: Bool) -> Compiled? {
        // (not for narrow outputs: a 32→3 tail ran 3× slower than direct)
        let winogradShape = !deconvolution && g.kh == 3 && g.kw == 3 && g.sh == 1 && g.sw == 1 && g.dh == 1 && g.dw == 1
            && g.outC >= Tensor.block
        if Self.allowWinograd && winogradShape && blockedInput,
           let c = compile(h: h, w: w, blockedInput: true, blockedOutput: true, algorithm: dnnl_convolution_winograd) { return c }
        return compile(h: h, w: w, blockedInput: blockedInput, blockedOutput: true, algorithm: dnnl_convolution_direct)
            ?? compile(h: h, w: w, blockedInput: blockedInput, blockedOutput: false, algorithm: dnnl_convolution_direct)
    }

    private func compile(h: Int, w: Int, blockedInput: Bool, blockedOutput: Bool, algorithm: dnnl_alg_kind_t) -> Compiled? {
        let c = g, dnn = OneDNN.shared
        let oh: Int, ow: Int
        if deconvolution {
            oh = (h - 1) * c.sh + c.dh * (c.kh - 1) + 1 - c.padT - c.padB
            ow = (w - 1) * c.sw + c.dw * (c.kw - 1) + 1 - c.padL - c.padR
        } else {
            oh = (h + c.padT + c.padB - (c.dh * (c.kh - 1) + 1)) / c.sh + 1
            ow = (w + c.padL + c.padR - (c.dw * (c.kw - 1) + 1)) / c.sw + 1
        }
        guard oh > 0, ow > 0 else { return nil }
        var src = OneDNN.plain([1, Int64(inC), Int64(h), Int64(w)], tag: blockedInput ? OneDNN.blockedTag : dnnl_nchw)
        var wei = OneDNN.any([Int64(c.outC), Int64(inC), Int64(c.kh), Int64(c.kw)])
        var bia = OneDNN.plain([Int64(c.outC)], tag: dnnl_x)
        var dst = OneDNN.plain([1, Int64(c.outC), Int64(oh), Int64(ow)], tag: blockedOutput ? OneDNN.blockedTag : dnnl_nchw)
        var strides: [Int64] = [Int64(c.sh), Int64(c.sw)], dil: [Int64] = [Int64(c.dh - 1), Int64(c.dw - 1)]
        var pl: [Int64] = [Int64(c.padT), Int64(c.padL)], pr: [Int64] = [Int64(c.padB), Int64(c.padR)]
        // Convolution and deconvolution descriptors share one layout (dnnl_convolution_desc_t).
        var desc = dnnl_convolution_desc_t()
        let status: dnnl_status_t
        switch (deconvolution, c.bias != nil) {
        case (false, true): status = dnnl_dilated_convolution_forward_desc_init(&desc, dnnl_forward_inference, algorithm,
                                                                                 &src, &wei, &bia, &dst, &strides, &dil, &pl, &pr)
        case (false, false): status = dnnl_dilated_convolution_forward_desc_init(&desc, dnnl_forward_inference, algorithm,
                                                                                  &src, &wei, nil, &dst, &strides, &dil, &pl, &pr)
        case (true, true): status = dnnl_dilated_deconvolution_forward_desc_init(&desc, dnnl_forward_inference, dnnl_deconvolution_direct,
                                                                                  &src, &wei, &bia, &dst, &strides, &dil, &pl, &pr)
        case (true, false): status = dnnl_dilated_deconvolution_forward_desc_init(&desc, dnnl_forward_inference, dnnl_deconvolution_direct,
                                                                                   &src, &wei, nil, &dst, &strides, &dil, &pl, &pr)
        }
        guard status == dnnl_success else { return nil }
        var attr: dnnl_primitive_attr_t?
        var ops: dnnl_post_ops_t?
        dnnl_primitive_attr_create(&attr)
        dnnl_post_ops_create(&ops)
        defer { dnnl_post_ops_destroy(ops); dnnl_primitive_attr_destroy(attr) }
        switch c.activation {
        case .relu: dnnl_post_ops_append_eltwise(ops, 1, dnnl_eltwise_relu, 0, 0)
        case .leaky(let s): dnnl_post_ops_append_eltwise(ops, 1, dnnl_eltwise_relu, s, 0)
        case .clip(let lo, let hi): dnnl_post_ops_append_eltwise(ops, 1, dnnl_eltwise_clip, lo, hi)
        case .sigmoid: dnnl_post_ops_append_eltwise(ops, 1, dnnl_eltwise_logistic, 0, 0)
        default: break
        }
        dnnl_primitive_attr_set_post_ops(attr, ops)
        var pd: dnnl_primitive_desc_t?
        guard dnnl_primitive_desc_create(&pd, &desc, attr, dnn.engine, nil) == dnnl_success, let pd else { return nil }
        var impl: UnsafePointer<CChar>?
        if dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &impl) != dnnl_success
            || impl.map({ String(cString: $0).hasPrefix("ref") }) ?? true {
            dnnl_primitive_desc_destroy(pd)  // oneDNN's reference kernel is slower than ours
            return nil
        }
        var prim: dnnl_primitive_t?
        guard dnnl_primitive_create(&prim, pd) == dnnl_success, let prim else { dnnl_primitive_desc_destroy(pd); return nil }
        let weiMD = dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0)!.pointee
        guard let wOwned = reorderedWeights(weiMD) else { dnnl_primitive_destroy(prim); dnnl_primitive_desc_destroy(pd); return nil }
        if biasMemory == nil, let b = c.bias {
            biasMemory = dnn.memory(bia, nil)
            var ptr: UnsafeMutableRawPointer?
            if let m = biasMemory { dnnl_memory_get_data_handle(m, &ptr) }
            b.withUnsafeBytes { ptr?.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        }
        let biasMem = biasMemory
        return Compiled(pd: pd, prim: prim, srcMD: src, dstMD: dst, weights: wOwned, bias: biasMem,
                        oh: oh, ow: ow, dstFloats: dnnl_memory_desc_get_size(&dst) / 4, dstBlocked: blockedOutput)
    }

    func forward(_ inputs: [Tensor]) throws(NNError) -> [Tensor] {
        var x = inputs[0]
        try g.check(x, for: self)
        // oneDNN's fast kernels read plain CHW only for a few input channels (first layers);
        // wider plain inputs (after Concat, say) are blocked first, or it picks its slow kernel.
        if !x.blocked && inC >= Tensor.block { x = x.toBlocked }
        let dnn = OneDNN.shared
        let key = x.h << 33 | x.w << 1 | (x.blocked ? 1 : 0)
        let compiled = dnn.cached(&cache, key) { compile(h: x.h, w: x.w, blockedInput: x.blocked) }
        guard let k = compiled else { return try fallback(x) }
        var out = k.dstBlocked ? Tensor(blockedC: g.outC, h: k.oh, w: k.ow) : Tensor(c: g.outC, h: k.oh, w: k.ow)
        if out.data.count < k.dstFloats { out.data += [Float](repeating: 0, count: k.dstFloats - out.data.count) }
        // oneDNN only reads the source: borrow it (a mutable borrow would copy a shared blob).
        let ok: Bool = x.data.withUnsafeBytes { xb in
            out.data.withUnsafeMutableBytes { ob in
                guard let s = dnn.memory(k.srcMD, UnsafeMutableRawPointer(mutating: xb.baseAddress)), let d = dnn.memory(k.dstMD, ob.baseAddress) else { return false }
                defer { dnnl_memory_destroy(s); dnnl_memory_destroy(d) }
                var args = [dnnl_exec_arg_t(arg: DNNL_ARG_SRC, memory: s), dnnl_exec_arg_t(arg: DNNL_ARG_WEIGHTS, memory: k.weights),
                            dnnl_exec_arg_t(arg: DNNL_ARG_DST, memory: d)]
                if let b = k.bias { args.append(dnnl_exec_arg_t(arg: DNNL_ARG_BIAS, memory: b)) }
                return dnn.execute(k.prim, args)
            }
        }
        guard ok else { return try fallback(x) }
        if let prelu { PReLULayer.apply(prelu, to: &out, threads: threads) }
        return [out]
    }

    /// How many times the reference path ran instead of oneDNN (tests assert it stays 0).
    private(set) var fallbacks = 0

    /// The reference path.
    private func fallback(_ x: Tensor) throws(NNError) -> [Tensor] {
        OneDNN.shared.locked { fallbacks += 1 }
        var out = try reference.forward([x.plain])
        if let prelu { PReLULayer.apply(prelu, to: &out[0]) }
        return out
    }
}

extension OneDNNConvolution {
    func infer(_ inputs: [BlobInfo]) throws(NNError) -> [BlobInfo] { try reference.infer(inputs) }
}
