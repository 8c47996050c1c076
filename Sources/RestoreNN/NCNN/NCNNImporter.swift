import RestoreCore

/// The ncnn importer: `.param` + `.bin` (ncnn's docs/developer-guide/param-and-model-file-structure.md)
/// into a layer graph. Each ncnn layer line is translated into a `LayerSpec` (parameters by
/// name, weights read from the `.bin` in file order) and built by the op table.
public typealias NCNNModel = LayerGraph

extension LayerGraph {
    /// Loads `param`; the weights are `bin` (default: the same name with `.bin`).
    public init(param: String, bin: String? = nil, backend: BackendChoice = .best, threads: Int = Parallelism.defaultThreads) throws(NNError) {
        let binPath = bin ?? (param.hasSuffix(".param") ? String(param.dropLast(6)) + ".bin" : param + ".bin")
        func bytes(_ p: String, limit: Int) throws(NNError) -> [UInt8] {
            switch FileBytes.read(p, limit: limit) {
            case .success(let b): return b
            case .failure(let f): throw NNError(path: p, reason: .unreadable, detail: f.reason)
            }
        }
        let text = String(decoding: try bytes(param, limit: 16 << 20), as: UTF8.self)
        let lines = try NCNNParam.parse(text, path: param)
        var weights = NCNNWeights(bytes: try bytes(binPath, limit: 2 << 30), path: binPath)
        var built: [any Layer] = []
        for line in lines {
            do throws(NNError) {
                built.append(try Ops.build(try NCNNImporter.spec(line, weights: &weights, path: param)))
            } catch {
                var e = error
                if e.path == nil { e.path = param }
                throw e
            }
        }
        guard weights.offset == weights.bytes.count else {
            throw NNError(path: binPath, reason: .badWeights,
                          detail: "the graph reads \(weights.offset) bytes of weights, the file has \(weights.bytes.count)")
        }
        guard let input = lines.first(where: { $0.type == "Input" })?.outputs.first else {
            throw NNError(path: param, reason: .syntax, detail: "no Input layer")
        }
        let consumed = Set(lines.flatMap(\.inputs))
        guard let output = lines.last(where: { !$0.outputs.allSatisfy(consumed.contains) })?.outputs.first(where: { !consumed.contains($0) }) else {
            throw NNError(path: param, reason: .syntax, detail: "no output blob (every blob is consumed)")
        }
        self.init(layers: built, inputBlob: input, outputBlob: output, path: param, backend: backend.backend, threads: threads)
    }
}

/// ncnn layer types → op specs: one entry per ncnn type, reading its numbered parameters and
/// its weights.
enum NCNNImporter {
    typealias Translate = @Sendable (NCNNLayerLine, inout NCNNWeights, inout LayerSpec) throws(NNError) -> Void

    static func spec(_ l: NCNNLayerLine, weights: inout NCNNWeights, path: String) throws(NNError) -> LayerSpec {
        guard let (op, translate) = table[l.type] else {
            throw NNError(path: path, reason: .unsupportedLayer, line: l.line,
                          detail: "\(l.label): layer type '\(l.type)' is not one restore reads (ncnn types: \(table.keys.sorted().joined(separator: ", ")))")
        }
        var s = LayerSpec(op: op, name: l.name, inputs: l.inputs, outputs: l.outputs, location: SourceLocation(file: path, index: l.line))
        try translate(l, &weights, &s)
        return s
    }

    static let pass: (String, Translate) = ("Pass", { _, _, _ throws(NNError) in })

    static let table: [String: (String, Translate)] = [
        "Input": ("Input", { _, _, _ throws(NNError) in }), "Split": pass, "Noop": pass, "Dropout": pass,
        "Convolution": ("Convolution", { l, w, s throws(NNError) in try convolution(l, &w, &s); s.params["pad_value"] = .float(l.float(18, 0)) }),
        "Deconvolution": ("Deconvolution", { l, w, s throws(NNError) in
            try convolution(l, &w, &s)
            s.params["output_padding"] = .ints([try l.int(19, try l.int(18, 0)), try l.int(18, 0)])
        }),
        "PReLU": ("PReLU", { l, w, s throws(NNError) in s.tensors["slopes"] = try w.raw(try l.int(0, 1), for: l) }),
        "PixelShuffle": ("PixelShuffle", { l, _, s throws(NNError) in
            s.params["factor"] = .int(try l.int(0, 1)); s.params["mode"] = .int(try l.int(1, 0))
        }),
        "Interp": ("Interp", { l, _, s throws(NNError) in
            let type = try l.int(0, 0)
            s.params["mode"] = .string(type == 1 ? "nearest" : type == 3 ? "cubic" : "type \(type)")
            let (oh, ow) = (try l.int(3, 0), try l.int(4, 0))
            if oh > 0 || ow > 0 { s.params["size"] = .ints([oh, ow]) } else { s.params["scale"] = .floats([l.float(1, 1), l.float(2, 1)]) }
        }),
        "BinaryOp": ("BinaryOp", { l, _, s throws(NNError) in
            let names = ["add", "sub", "mul", "div", "max", "min", "pow", "rsub", "rdiv"]
            let op = try l.int(0, 0)
            s.params["operation"] = .string(names.indices.contains(op) ? names[op] : "op_type \(op)")
            if try l.int(1, 0) != 0 { s.params["scalar"] = .float(l.float(2, 0)) }
        }),
        "Eltwise": ("Eltwise", { l, _, s throws(NNError) in
            let op = try l.int(0, 0)
            s.params["operation"] = .string(["prod", "sum", "max"].indices.contains(op) ? ["prod", "sum", "max"][op] : "op_type \(op)")
            s.params["coefficients"] = .floats(l.array(1))
        }),
        "Concat": ("Concat", { l, _, _ throws(NNError) in
            guard try l.int(0, 0) == 0 else { throw unsupported(l, "axis \(try l.int(0, 0)) (channels, axis 0, is supported)") }
        }),
        "Crop": ("Crop", { l, _, s throws(NNError) in s.params["offset"] = .ints([try l.int(1, 0), try l.int(0, 0)]) }),
        "Pooling": ("GlobalAveragePool", { l, _, _ throws(NNError) in
            guard try l.int(0, 0) == 1, try l.int(4, 0) == 1 else { throw unsupported(l, "only global average pooling is supported") }
        }),
        "InnerProduct": ("InnerProduct", { l, w, s throws(NNError) in
            let n = try l.int(0, 0), size = try l.int(2, 0)
            s.params["num_output"] = .int(n)
            s.tensors["weight"] = try w.tagged(size, for: l)
            if try l.int(1, 0) != 0 { s.tensors["bias"] = try w.raw(n, for: l) }
            try activation(l, &s)
        }),
        "Scale": ("Scale", { l, _, _ throws(NNError) in
            guard try l.int(0, 0) == -233 else { throw unsupported(l, "only the two-input form (0=-233) is supported") }
        }),
    ]

    static func unsupported(_ l: NCNNLayerLine, _ what: String) -> NNError {
        NNError(path: nil, reason: .unsupportedLayer, line: l.line, detail: "\(l.label): \(what)")
    }

    /// ncnn's fused activation: 9 = type (0 none, 1 relu, 2 leaky, 3 clip, 4 sigmoid, 5 mish,
    /// 6 hardswish), 10 = its parameters.
    static func activation(_ l: NCNNLayerLine, _ s: inout LayerSpec) throws(NNError) {
        let names = ["none", "relu", "leaky", "clip", "sigmoid", "mish", "hardswish"]
        let t = try l.int(9, 0)
        guard names.indices.contains(t) else { throw unsupported(l, "activation type \(t)") }
        s.params["activation"] = .string(names[t])
        s.params["activation_params"] = .floats(l.array(10))
    }

    /// Convolution and Deconvolution: 0 num_output, 1/11 kernel w/h, 2/12 dilation, 3/13
    /// stride, 4/15/14/16 pads left/right/top/bottom, 5 bias, 6 weight count; weights tagged.
    static func convolution(_ l: NCNNLayerLine, _ w: inout NCNNWeights, _ s: inout LayerSpec) throws(NNError) {
        let outC = try l.int(0, 0), kw = try l.int(1, 0), kh = try l.int(11, kw)
        let dw = try l.int(2, 1), dh = try l.int(12, dw), sw = try l.int(3, 1), sh = try l.int(13, sw)
        let pl = try l.int(4, 0), pr = try l.int(15, pl), pt = try l.int(14, pl), pb = try l.int(16, pt)
        let groups = try l.int(7, 1), int8 = try l.int(8, 0)
        if groups != 1 || pl < 0 || int8 != 0 { throw unsupported(l, "groups, SAME padding or int8 are not supported") }
        let size = try l.int(6, 0)
        guard (1...65536).contains(outC), (1...64).contains(kw), (1...64).contains(kh), size > 0, size % (outC * kh * kw) == 0 else {
            throw NNError(path: nil, reason: .syntax, line: l.line, detail: "\(l.label): inconsistent num_output/kernel/weight_data_size")
        }
        s.params["num_output"] = .int(outC)
        s.params["kernel"] = .ints([kh, kw]); s.params["dilation"] = .ints([dh, dw]); s.params["stride"] = .ints([sh, sw])
        s.params["pads"] = .ints([pt, pl, pb, pr])
        s.tensors["weight"] = try w.tagged(size, for: l)
        if try l.int(5, 0) != 0 { s.tensors["bias"] = try w.raw(outC, for: l) }
        try activation(l, &s)
    }
}
