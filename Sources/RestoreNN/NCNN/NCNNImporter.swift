import RestoreCore

/// The ncnn importer: `.param` + `.bin` (ncnn's docs/developer-guide/param-and-model-file-structure.md) into a layer graph.
public typealias NCNNModel = LayerGraph

extension LayerGraph {
    /// Loads `param`; the weights are `bin` (default: the same name with `.bin`).
    public init(param: String, bin: String? = nil, backend: Backend = .best, threads: Int = Parallelism.defaultThreads) throws(NNError) {
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
        for s in specs { built.append(try Self.layer(s, weights: &weights, path: param)) }
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
        self.init(layers: built, inputBlob: input, outputBlob: output, path: param, backend: backend, threads: threads)
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

}
