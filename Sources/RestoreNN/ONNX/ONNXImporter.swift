import Foundation
import RestoreCore
import SwiftProtobuf

/// The ONNX importer: the conv-net subset of the README into a layer graph. Batch 1,
/// NCHW float32 (fp16 initializers are widened). Convolutions take the following Relu,
/// LeakyRelu, Clip or Sigmoid as a fused activation. Anything else fails naming the node, its
/// op type and the file.
///
/// Supported: Conv, ConvTranspose, Relu, LeakyRelu, PRelu, Sigmoid, Clip, Add, Sub, Mul, Div
/// (two equal tensors, or a tensor and a scalar constant), Concat (channels), DepthToSpace
/// (DCR and CRD), Resize/Upsample (nearest, cubic), Pad (constant, edge, reflect; spatial),
/// Slice (channels, rows, columns; step 1), Identity, Constant. Each node becomes a `LayerSpec`
/// built by the op table; every number read from the file is checked on the way.
extension LayerGraph {
    public init(onnx path: String, backend: BackendChoice = .best, threads: Int = Parallelism.defaultThreads) throws(NNError) {
        let bytes: [UInt8]
        switch FileBytes.read(path, limit: 2 << 30) {
        case .success(let b): bytes = b
        case .failure(let f): throw NNError(path: path, reason: .unreadable, detail: f.reason)
        }
        let model: Onnx_ModelProto
        do { model = try Onnx_ModelProto(serializedBytes: bytes) }
        catch { throw NNError(path: path, reason: .syntax, detail: "not an ONNX model (protobuf: \(error))") }
        var importer = ONNXImporter(path: path)
        let (layers, input, output) = try importer.build(model.graph)
        self.init(layers: layers, inputBlob: input, outputBlob: output, path: path, backend: backend.backend, threads: threads)
    }
}

struct ONNXImporter {
    let path: String
    /// Initializers and Constant outputs: shape and values.
    var constants: [String: (dims: [Int], values: [Float])] = [:]

    init(path: String) { self.path = path }

    func fail(_ node: Onnx_NodeProto?, _ what: String, reason: NNError.Reason = .unsupportedLayer) -> NNError {
        let label = node.map { "\($0.opType) '\($0.name)': " } ?? ""
        return NNError(path: path, reason: reason, detail: label + what)
    }

    /// Float values of a tensor (float32, float16, float64, int64 and int32 converted).
    func values(_ t: Onnx_TensorProto, node: Onnx_NodeProto?) throws(NNError) -> [Float] {
        let raw = [UInt8](t.rawData)
        func le<T: FixedWidthInteger>(_ type: T.Type) -> [T] {
            stride(from: 0, to: raw.count - MemoryLayout<T>.size + 1, by: MemoryLayout<T>.size).map { o in
                var v: T = 0
                for k in 0..<MemoryLayout<T>.size { v |= T(truncatingIfNeeded: raw[o + k]) << (8 * k) }
                return v
            }
        }
        switch t.dataType {
        case 1: return raw.isEmpty ? t.floatData : le(UInt32.self).map { Float(bitPattern: $0) }
        case 10: return (raw.isEmpty ? t.int32Data.map { UInt16(truncatingIfNeeded: $0) } : le(UInt16.self)).map { Float(Float16(bitPattern: $0)) }
        case 11: return raw.isEmpty ? t.doubleData.map(Float.init) : le(UInt64.self).map { Float(Double(bitPattern: $0)) }
        case 7: return raw.isEmpty ? t.int64Data.map(Float.init) : le(UInt64.self).map { Float(Int64(bitPattern: $0)) }
        case 6: return raw.isEmpty ? t.int32Data.map(Float.init) : le(UInt32.self).map { Float(Int32(bitPattern: $0)) }
        default: throw fail(node, "tensor '\(t.name)' has data type \(t.dataType) (float, float16, double, int32 and int64 are read)", reason: .badWeights)
        }
    }

    /// A tensor's dims and values, which must agree (the product of the dims, checked for
    /// overflow, is the number of values).
    func tensor(_ t: Onnx_TensorProto, node: Onnx_NodeProto?) throws(NNError) -> (dims: [Int], values: [Float]) {
        var count = 1
        for d in t.dims {
            guard d >= 0, d <= Int64(Int32.max) else { throw fail(node, "tensor '\(t.name)' has a dimension \(d)", reason: .badWeights) }
            let (p, overflow) = count.multipliedReportingOverflow(by: Int(d))
            guard !overflow, p <= 1 << 31 else { throw fail(node, "tensor '\(t.name)' of shape \(t.dims) is too large", reason: .badWeights) }
            count = p
        }
        let v = try values(t, node: node)
        guard v.count == count else {
            throw fail(node, "tensor '\(t.name)' of shape \(t.dims) holds \(v.count) values, not \(count)", reason: .badWeights)
        }
        return (t.dims.map { Int($0) }, v)
    }

    /// An integer from a float constant: NaN and ±inf are refused; values beyond ±2^62 (as
    /// PyTorch's INT64_MAX for an open slice end) saturate, which every use then clamps.
    func integer(_ v: Float, _ n: Onnx_NodeProto, _ what: String) throws(NNError) -> Int {
        guard v.isFinite else { throw fail(n, "\(what) holds \(v)", reason: .syntax) }
        return v >= 4.6e18 ? 1 << 62 : v <= -4.6e18 ? -(1 << 62) : Int(v)
    }

    mutating func build(_ g: Onnx_GraphProto) throws(NNError) -> ([any Layer], String, String) {
        for t in g.initializer { constants[t.name] = try tensor(t, node: nil) }
        let inputs = g.input.map(\.name).filter { constants[$0] == nil }
        guard inputs.count == 1, let input = inputs.first else {
            throw NNError(path: path, reason: .unsupportedLayer, detail: "the graph takes \(inputs.count) inputs (\(inputs.joined(separator: ", "))); restore runs image-to-image graphs with one")
        }
        guard g.output.count == 1, let output = g.output.first?.name else {
            throw NNError(path: path, reason: .unsupportedLayer, detail: "the graph has \(g.output.count) outputs; restore runs graphs with one")
        }
        var readers: [String: Int] = [:]
        for n in g.node { for i in n.input where !i.isEmpty { readers[i, default: 0] += 1 } }
        var layers: [any Layer] = [PassLayer(spec: LayerSpec(op: "Input", name: input, inputs: [], outputs: [input],
                                                             location: SourceLocation(file: path, index: nil, unit: .node)))]
        var skip = Set<Int>()
        for (index, n) in g.node.enumerated() where !skip.contains(index) {
            let line = index + 1
            guard !n.output.isEmpty else { throw fail(n, "has no output", reason: .syntax) }
            if n.opType == "Constant" {
                guard let a = n.attribute.first(where: { $0.name == "value" }) else { throw fail(n, "only 'value' constants are supported") }
                constants[n.output[0]] = try tensor(a.t, node: n)
                continue
            }
            if n.opType == "Identity", let first = n.input.first, let c = constants[first] { constants[n.output[0]] = c; continue }
            // A convolution's only reader may be an activation: fuse it.
            var activation = Activation.none, outputs = n.output
            if n.opType == "Conv" || n.opType == "ConvTranspose", readers[n.output[0]] == 1,
               let next = g.node.indices.first(where: { $0 > index && g.node[$0].input.first == n.output[0] }),
               let a = try activationOf(g.node[next]) {
                activation = a
                outputs = g.node[next].output
                skip.insert(next)
            }
            layers.append(try Ops.build(try spec(n, node: line, activation: activation, outputs: outputs)))
        }
        return (layers, input, output)
    }

    func activationOf(_ n: Onnx_NodeProto) throws(NNError) -> Activation? {
        switch n.opType {
        case "Relu": return .relu
        case "LeakyRelu": return .leaky(attr(n, "alpha")?.f ?? 0.01)
        case "Sigmoid": return .sigmoid
        case "Clip":
            var lo = attr(n, "min")?.f ?? -Float.greatestFiniteMagnitude, hi = attr(n, "max")?.f ?? Float.greatestFiniteMagnitude
            if n.input.count > 1, !n.input[1].isEmpty { guard let c = constants[n.input[1]]?.values.first else { return nil }; lo = c }
            if n.input.count > 2, !n.input[2].isEmpty { guard let c = constants[n.input[2]]?.values.first else { return nil }; hi = c }
            return .clip(lo, hi)
        default: return nil
        }
    }

    func attr(_ n: Onnx_NodeProto, _ name: String) -> Onnx_AttributeProto? { n.attribute.first { $0.name == name } }
    func ints(_ n: Onnx_NodeProto, _ name: String, _ fallback: [Int]) -> [Int] { attr(n, name).map { $0.ints.map { Int($0) } } ?? fallback }

    func constant(_ n: Onnx_NodeProto, _ i: Int, _ what: String) throws(NNError) -> (dims: [Int], values: [Float]) {
        guard i < n.input.count, let c = constants[n.input[i]] else { throw fail(n, "\(what) ('\(i < n.input.count ? n.input[i] : "")') must be a constant") }
        return c
    }

    /// The op spec of node `n` (number `node`, 1-based).
    func spec(_ n: Onnx_NodeProto, node: Int, activation: Activation, outputs: [String]) throws(NNError) -> LayerSpec {
        let dataInputs = n.input.filter { !$0.isEmpty && constants[$0] == nil }
        var s = LayerSpec(op: n.opType, name: n.name.isEmpty ? outputs[0] : n.name, inputs: dataInputs, outputs: outputs,
                          location: SourceLocation(file: path, index: node, unit: .node))
        func op(_ name: String, _ params: [String: LayerParam] = [:]) -> LayerSpec {
            var t = s
            t.op = name
            t.params.merge(params) { _, b in b }
            return t
        }
        switch n.opType {
        case "Conv", "ConvTranspose":
            guard (attr(n, "group")?.i ?? 1) == 1 else { throw fail(n, "grouped convolutions are not supported") }
            let w = try constant(n, 1, "the weights")
            guard w.dims.count == 4, w.dims.allSatisfy({ $0 > 0 }) else { throw fail(n, "weights of shape \(w.dims) (4-D expected)", reason: .shape) }
            let k = ints(n, "kernel_shape", [w.dims[2], w.dims[3]]), st = ints(n, "strides", [1, 1]), d = ints(n, "dilations", [1, 1])
            let pads = ints(n, "pads", [0, 0, 0, 0])
            if let ap = attr(n, "auto_pad"), ![Data("NOTSET".utf8), Data()].contains(ap.s) { throw fail(n, "auto_pad \(String(decoding: ap.s, as: UTF8.self)) (explicit pads are supported)") }
            guard k.count == 2, st.count == 2, d.count == 2, pads.count == 4 else { throw fail(n, "only 2-D convolutions are supported") }
            guard k == [w.dims[2], w.dims[3]] else { throw fail(n, "kernel_shape \(k) does not match the weights \(w.dims)", reason: .shape) }
            if n.input.count > 2 && !n.input[2].isEmpty { s.tensors["bias"] = try constant(n, 2, "the bias").values }
            s.params = ["kernel": .ints(k), "stride": .ints(st), "dilation": .ints(d), "pads": .ints([pads[0], pads[1], pads[2], pads[3]])]
            s.params.merge(activation.params) { _, b in b }
            if n.opType == "Conv" {
                s.params["num_output"] = .int(w.dims[0])
                s.tensors["weight"] = w.values
                return op("Convolution")
            }
            let (inC, outC, taps) = (w.dims[0], w.dims[1], k[0] * k[1])
            s.params["num_output"] = .int(outC)
            s.tensors["weight"] = ConvGeometry.transposedWeights(w.values, inC: inC, outC: outC, taps: taps)
            let outPad = ints(n, "output_padding", [0, 0])
            return op("Deconvolution", ["output_padding": .ints(outPad.count == 2 ? outPad : [0, 0])])
        case "Relu", "LeakyRelu", "Sigmoid", "Clip":
            guard let a = try activationOf(n) else { throw fail(n, "Clip bounds must be constants") }
            return op("Activation", a.params.isEmpty ? ["activation": .string("none")] : a.params)
        case "PRelu":
            s.tensors["slopes"] = try constant(n, 1, "the slopes").values
            return op("PReLU")
        case "Add", "Sub", "Mul", "Div":
            let name = ["Add": "add", "Sub": "sub", "Mul": "mul", "Div": "div"][n.opType]!
            if dataInputs.count == 2 { return op("BinaryOp", ["operation": .string(name)]) }
            guard dataInputs.count == 1, n.input.count == 2 else { throw fail(n, "needs two inputs") }
            let constantFirst = constants[n.input[0]] != nil
            let c = try constant(n, constantFirst ? 0 : 1, "the second operand")
            guard c.values.count == 1 else { throw fail(n, "a constant operand must be a scalar (got shape \(c.dims))") }
            // c − x and c / x are the reversed ops.
            let reversed = constantFirst && (name == "sub" || name == "div")
            return op("BinaryOp", ["operation": .string(reversed ? "r" + name : name), "scalar": .float(c.values[0])])
        case "Concat":
            let axis = attr(n, "axis")?.i ?? 1
            guard axis == 1 || axis == -3 else { throw fail(n, "axis \(axis) (channels, axis 1, is supported)") }
            return op("Concat")
        case "DepthToSpace":
            let mode = attr(n, "mode").map { String(decoding: $0.s, as: UTF8.self) } ?? "DCR"
            let r = attr(n, "blocksize")?.i ?? 1
            return op("PixelShuffle", ["factor": .int(r < 0 || r > 1 << 20 ? -1 : Int(r)), "mode": .int(mode == "CRD" ? 0 : 1)])
        case "Resize", "Upsample":
            let modeName = attr(n, "mode").map { String(decoding: $0.s, as: UTF8.self) } ?? "nearest"
            switch modeName {
            case "nearest": break
            case "cubic":
                let a = attr(n, "cubic_coeff_a")?.f ?? -0.75
                guard abs(a + 0.75) < 1e-6 else { throw fail(n, "cubic_coeff_a \(a) (−0.75 is supported)") }
            default: throw fail(n, "mode '\(modeName)' (nearest and cubic are supported)")
            }
            // Scales: input 2 (Resize opset ≥ 11), input 1 (Upsample, Resize 10) or attribute.
            var scales: [Float] = attr(n, "scales")?.floats ?? []
            for i in [2, 1] where scales.isEmpty && i < n.input.count && !n.input[i].isEmpty {
                if let c = constants[n.input[i]], c.values.count == 4 { scales = c.values }
            }
            if scales.isEmpty, n.input.count > 3, let sizes = constants[n.input[3]], sizes.values.count == 4 {
                let h = try integer(sizes.values[2], n, "sizes"), w = try integer(sizes.values[3], n, "sizes")
                return op("Interp", ["mode": .string(modeName), "size": .ints([h, w])])
            }
            guard scales.count == 4, scales[0] == 1, scales[1] == 1 else { throw fail(n, "needs constant spatial scales (got \(scales))") }
            return op("Interp", ["mode": .string(modeName), "scale": .floats([scales[2], scales[3]])])
        case "Pad":
            let mode = attr(n, "mode").map { String(decoding: $0.s, as: UTF8.self) } ?? "constant"
            var pads = ints(n, "pads", [])
            if pads.isEmpty { pads = try constant(n, 1, "the pads").values.map { v throws(NNError) in try integer(v, n, "the pads") } }
            let value = n.input.count > 2 && !n.input[2].isEmpty ? try constant(n, 2, "the pad value").values.first ?? 0 : attr(n, "value")?.f ?? 0
            guard pads.count == 8, pads[0] == 0, pads[1] == 0, pads[4] == 0, pads[5] == 0 else { throw fail(n, "only spatial padding is supported (pads \(pads))") }
            return op("Pad", ["pads": .ints([pads[2], pads[3], pads[6], pads[7]]), "mode": .string(mode), "value": .float(value)])
        case "Slice":
            let starts = try constant(n, 1, "the starts").values.map { v throws(NNError) in try integer(v, n, "the starts") }
            let ends = try constant(n, 2, "the ends").values.map { v throws(NNError) in try integer(v, n, "the ends") }
            let axes = n.input.count > 3 && !n.input[3].isEmpty
                ? try constant(n, 3, "the axes").values.map { v throws(NNError) in try integer(v, n, "the axes") } : Array(0..<starts.count)
            if n.input.count > 4, !n.input[4].isEmpty, try constant(n, 4, "the steps").values.contains(where: { $0 != 1 }) {
                throw fail(n, "steps other than 1 are not supported")
            }
            guard starts.count == ends.count, axes.count == starts.count else { throw fail(n, "starts, ends and axes differ in length", reason: .syntax) }
            var params: [String: LayerParam] = [:]
            for (k, a) in axes.enumerated() {
                let axis = a < 0 ? a + 4 : a
                guard (1...3).contains(axis) else { throw fail(n, "slicing axis \(a) (channels, height and width can be sliced)") }
                params[["", "channels", "rows", "columns"][axis]] = .ints([starts[k], ends[k]])
            }
            return op("Slice", params)
        case "Identity", "Dropout":
            return op("Pass")
        default:
            throw fail(n, "op type '\(n.opType)' (supported: Conv, ConvTranspose, Relu, LeakyRelu, PRelu, Sigmoid, Clip, Add, Sub, Mul, Div, Concat, DepthToSpace, Resize, Upsample, Pad, Slice, Identity, Constant)")
        }
    }
}
