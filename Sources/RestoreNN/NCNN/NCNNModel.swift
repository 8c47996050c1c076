import RestoreCore

/// Which implementation runs the heavy layers.
public enum Backend: String, Sendable, CaseIterable {
    /// Plain Swift: the living definition of every op.
    case reference
    /// oneDNN for convolutions (fused bias and activation), reference for the rest.
    case onednn

    /// oneDNN when the library initialises, otherwise the reference backend.
    public static var best: Backend { OneDNN.shared.available ? .onednn : .reference }
}

/// An ncnn model (`.param` + `.bin`) loaded into a graph of layers.
public struct NCNNModel: Sendable {
    public let layers: [any Layer]
    /// The blob the graph reads (the Input layer's output) and the one it produces (consumed by
    /// no layer).
    public let inputBlob: String
    public let outputBlob: String
    public let path: String

    /// Loads `param`; the weights are `bin` (default: the same name with `.bin`).
    public init(param: String, bin: String? = nil, backend: Backend = .best, threads: Int = Parallelism.defaultThreads) throws(NNError) {
        if backend == .onednn { OneDNN.configure(threads: threads) }
        let binPath = bin ?? (param.hasSuffix(".param") ? String(param.dropLast(6)) + ".bin" : param + ".bin")
        func bytes(_ p: String) throws(NNError) -> [UInt8] {
            switch FileBytes.read(p, limit: 2 << 30) {
            case .success(let b): return b
            case .failure(let f): throw NNError(path: p, reason: .unreadable, detail: f.reason)
            }
        }
        let text = String(decoding: try bytes(param), as: UTF8.self)
        let specs = try NCNNParam.parse(text, path: param)
        var weights = NCNNWeights(bytes: try bytes(binPath), path: binPath)
        var built: [any Layer] = []
        for s in specs {
            let l = try Self.layer(s, weights: &weights, path: param)
            if backend == .onednn, let conv = l as? ConvolutionLayer, let fast = OneDNNConvolution(conv) { built.append(fast) }
            else if backend == .onednn, let deconv = l as? DeconvolutionLayer, let fast = OneDNNPatchDeconvolution(deconv, threads: threads) { built.append(fast) }
            else if backend == .onednn, let deconv = l as? DeconvolutionLayer, let fast = OneDNNConvolution(deconv) { built.append(fast) }
            else { built.append(l) }
        }
        built = Self.fusingPReLU(built, threads: threads)
        guard weights.offset == weights.bytes.count else {
            throw NNError(path: binPath, reason: .badWeights,
                          detail: "the graph reads \(weights.offset) bytes of weights, the file has \(weights.bytes.count)")
        }
        guard let input = specs.first(where: { $0.type == "Input" })?.outputs.first else {
            throw NNError(path: param, reason: .syntax, detail: "no Input layer")
        }
        let consumed = Set(specs.flatMap(\.inputs))
        guard let output = specs.last(where: { !$0.outputs.allSatisfy(consumed.contains) })?.outputs.first(where: { !consumed.contains($0) }) else {
            throw NNError(path: param, reason: .syntax, detail: "no output blob (every blob is consumed)")
        }
        layers = built
        inputBlob = input
        outputBlob = output
        path = param
    }

    /// Folds each PReLU that is the only reader of a oneDNN convolution's output into it.
    static func fusingPReLU(_ layers: [any Layer], threads: Int) -> [any Layer] {
        var readers: [String: Int] = [:]
        for l in layers { for i in l.spec.inputs { readers[i, default: 0] += 1 } }
        var out: [any Layer] = []
        for l in layers {
            if let p = l as? PReLULayer, let conv = out.last as? OneDNNConvolution, conv.prelu == nil,
               conv.spec.outputs.count == 1, p.spec.inputs == conv.spec.outputs, readers[p.spec.inputs[0]] == 1,
               p.slopes.count == 1 || p.slopes.count == conv.g.outC {
                conv.fuse(p)
                conv.threads = threads
                continue
            }
            out.append(l)
        }
        return out
    }

    static func layer(_ s: NCNNLayerSpec, weights w: inout NCNNWeights, path: String) throws(NNError) -> any Layer {
        func activation() throws(NNError) -> Activation { try Activation(type: s.int(9, 0), params: s.array(10), layer: s, path: path) }
        switch s.type {
        case "Input", "Split", "Noop", "Dropout": return PassLayer(spec: s)
        case "Convolution", "Deconvolution":
            let outC = s.int(0, 0), kw = s.int(1, 0), kh = s.int(11, s.int(1, 0))
            let dw = s.int(2, 1), dh = s.int(12, s.int(2, 1)), sw = s.int(3, 1), sh = s.int(13, s.int(3, 1))
            let pl = s.int(4, 0), pr = s.int(15, pl), pt = s.int(14, pl), pb = s.int(16, pt)
            let size = s.int(6, 0)
            if s.int(7, 1) != 1 || pl < 0 || s.int(8, 0) != 0 {
                throw NNError(path: path, reason: .unsupportedLayer, line: s.line, detail: "\(s.label): groups, SAME padding or int8 are not supported")
            }
            guard outC > 0, kw > 0, kh > 0, size > 0, size % (outC * kh * kw) == 0 else {
                throw NNError(path: path, reason: .syntax, line: s.line, detail: "\(s.label): inconsistent num_output/kernel/weight_data_size")
            }
            let weights = try w.tagged(size, for: s)
            let bias = s.int(5, 0) != 0 ? try w.raw(outC, for: s) : nil
            let g = ConvGeometry(outC: outC, kw: kw, kh: kh, dw: dw, dh: dh, sw: sw, sh: sh, padL: pl, padR: pr, padT: pt, padB: pb,
                                 weights: weights, bias: bias, activation: try activation())
            if s.type == "Convolution" { return ConvolutionLayer(spec: s, g: g, padValue: s.float(18, 0)) }
            return DeconvolutionLayer(spec: s, g: g, outPadR: s.int(18, 0), outPadB: s.int(19, s.int(18, 0)))
        case "PReLU": return PReLULayer(spec: s, slopes: try w.raw(s.int(0, 1), for: s))
        case "PixelShuffle": return PixelShuffleLayer(spec: s, r: s.int(0, 1), mode: s.int(1, 0))
        case "Interp":
            return InterpLayer(spec: s, type: s.int(0, 0), hScale: s.float(1, 1), wScale: s.float(2, 1), outH: s.int(3, 0), outW: s.int(4, 0))
        case "BinaryOp": return BinaryOpLayer(spec: s, op: s.int(0, 0), withScalar: s.int(1, 0) != 0, b: s.float(2, 0))
        case "Eltwise": return EltwiseLayer(spec: s, op: s.int(0, 0), coeffs: s.array(1))
        case "Concat":
            guard s.int(0, 0) == 0 else { throw NNError(path: path, reason: .unsupportedLayer, line: s.line, detail: "\(s.label): axis \(s.int(0, 0))") }
            return ConcatLayer(spec: s)
        case "Crop": return CropLayer(spec: s, wOffset: s.int(0, 0), hOffset: s.int(1, 0))
        case "Pooling":
            guard s.int(0, 0) == 1, s.int(4, 0) == 1 else {
                throw NNError(path: path, reason: .unsupportedLayer, line: s.line, detail: "\(s.label): only global average pooling is supported")
            }
            return GlobalAveragePoolLayer(spec: s)
        case "InnerProduct":
            let n = s.int(0, 0), size = s.int(2, 0)
            let weights = try w.tagged(size, for: s)
            let bias = s.int(1, 0) != 0 ? try w.raw(n, for: s) : nil
            return InnerProductLayer(spec: s, outN: n, weights: weights, bias: bias, activation: try activation())
        case "Scale":
            guard s.int(0, 0) == -233 else {
                throw NNError(path: path, reason: .unsupportedLayer, line: s.line, detail: "\(s.label): only the two-input form (0=-233) is supported")
            }
            return ScaleLayer(spec: s)
        default:
            throw NNError(path: path, reason: .unsupportedLayer, line: s.line, detail: "\(s.label) (layer type '\(s.type)')")
        }
    }

    /// Runs the graph on `input`. Intermediate blobs are released as soon as their last
    /// consumer has run.
    public func run(_ input: Tensor) throws(NNError) -> Tensor {
        try walk(input) { (l: any Layer, ins: [Tensor]) throws(NNError) -> [Tensor] in
            try l.forward(l.acceptsBlocked ? ins : ins.map(\.plain))
        }.plain
    }

    /// The output's shape and receptive field for an input of `input`'s shape, and the peak
    /// bytes of live blobs while running it — without computing anything.
    public func inspect(_ input: BlobInfo) throws(NNError) -> (output: BlobInfo, peakBytes: Int) {
        var live = input.bytes, peak = live
        let out = try walk(input, released: { live -= $0.bytes }) { (l: any Layer, ins: [BlobInfo]) throws(NNError) -> [BlobInfo] in
            let outs = try l.infer(ins)
            // Outputs are live alongside the inputs while the layer runs. (Split's outputs share
            // their input's storage until one is written to: counting them overestimates.)
            live += outs.reduce(0) { $0 + $1.bytes }
            peak = Swift.max(peak, live + (ins.first?.bytes ?? 0))  // + a padded or reordered copy
            return outs
        }
        return (out, peak)
    }

    /// Visits the layers in order with their input values, keeping each blob until its last
    /// consumer has run (`released` sees it then).
    private func walk<T>(_ input: T, released: (T) -> Void = { _ in },
                         _ step: (any Layer, [T]) throws(NNError) -> [T]) throws(NNError) -> T {
        var remaining: [String: Int] = [:]
        for l in layers { for i in l.spec.inputs { remaining[i, default: 0] += 1 } }
        var blobs: [String: T] = [inputBlob: input]
        for l in layers where l.spec.type != "Input" {
            var ins: [T] = []
            for name in l.spec.inputs {
                guard let t = blobs[name] else {
                    throw NNError(path: path, reason: .syntax, line: l.spec.line, detail: "\(l.spec.label): blob '\(name)' is not produced before use")
                }
                ins.append(t)
                remaining[name, default: 1] -= 1
                if remaining[name] == 0 { blobs[name] = nil; released(t) }
            }
            let outs: [T]
            do { outs = try step(l, ins) } catch { var e = error; if e.path == nil { e.path = path }; throw e }
            for (name, t) in zip(l.spec.outputs, outs) { blobs[name] = t }
        }
        guard let out = blobs[outputBlob] else { throw NNError(path: path, reason: .syntax, detail: "output blob '\(outputBlob)' was not produced") }
        return out
    }
}
