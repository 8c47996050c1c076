import Foundation
import RestoreCore
import SwiftProtobuf

/// The ONNX importer: the conv-net subset of ARCHITECTURE.md into a layer graph. Batch 1,
/// NCHW float32 (fp16 initializers are widened). Convolutions take the following Relu,
/// LeakyRelu, Clip or Sigmoid as a fused activation. Anything else fails naming the node, its
/// op type and the file.
///
/// Supported: Conv, ConvTranspose, Relu, LeakyRelu, PRelu, Sigmoid, Clip, Add, Sub, Mul, Div
/// (two equal tensors, or a tensor and a scalar constant), Concat (channels), DepthToSpace
/// (DCR and CRD), Resize/Upsample (nearest, cubic), Pad (constant, edge, reflect; spatial),
/// Slice (channels, rows, columns; step 1), Identity, Constant.
extension LayerGraph {
    public init(onnx path: String, backend: Backend = .best, threads: Int = Parallelism.defaultThreads) throws(NNError) {
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
        self.init(layers: layers, inputBlob: input, outputBlob: output, path: path, backend: backend, threads: threads)
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

    mutating func build(_ g: Onnx_GraphProto) throws(NNError) -> ([any Layer], String, String) {
        for t in g.initializer { constants[t.name] = (t.dims.map { Int($0) }, try values(t, node: nil)) }
        let inputs = g.input.map(\.name).filter { constants[$0] == nil }
        guard inputs.count == 1, let input = inputs.first else {
            throw NNError(path: path, reason: .unsupportedLayer, detail: "the graph takes \(inputs.count) inputs (\(inputs.joined(separator: ", "))); restore runs image-to-image graphs with one")
        }
        guard g.output.count == 1, let output = g.output.first?.name else {
            throw NNError(path: path, reason: .unsupportedLayer, detail: "the graph has \(g.output.count) outputs; restore runs graphs with one")
        }
        var readers: [String: Int] = [:]
        for n in g.node { for i in n.input where !i.isEmpty { readers[i, default: 0] += 1 } }
        var layers: [any Layer] = [PassLayer(spec: spec(type: "Input", name: input, inputs: [], outputs: [input], line: 0))]
        var skip = Set<Int>()
        for (index, n) in g.node.enumerated() where !skip.contains(index) {
            let line = index + 1
            if n.opType == "Constant" {
                guard let a = n.attribute.first(where: { $0.name == "value" }) else { throw fail(n, "only 'value' constants are supported") }
                constants[n.output[0]] = (a.t.dims.map { Int($0) }, try values(a.t, node: n))
                continue
            }
            if n.opType == "Identity", let c = constants[n.input[0]] { constants[n.output[0]] = c; continue }
            // A convolution's only reader may be an activation: fuse it.
            var activation = Activation.none, outputs = n.output
            if n.opType == "Conv" || n.opType == "ConvTranspose", readers[n.output[0]] == 1,
               let next = g.node.indices.first(where: { $0 > index && g.node[$0].input.first == n.output[0] }),
               let a = try activationOf(g.node[next]) {
                activation = a
                outputs = g.node[next].output
                skip.insert(next)
            }
            layers.append(try layer(n, line: line, activation: activation, outputs: outputs))
        }
        return (layers, input, output)
    }

    func spec(type: String, name: String, inputs: [String], outputs: [String], line: Int) -> NCNNLayerSpec {
        NCNNLayerSpec(type: type, name: name, inputs: inputs, outputs: outputs, params: [:], line: line)
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

    func layer(_ n: Onnx_NodeProto, line: Int, activation: Activation, outputs: [String]) throws(NNError) -> any Layer {
        let dataInputs = n.input.filter { !$0.isEmpty && constants[$0] == nil }
        let s = spec(type: n.opType, name: n.name.isEmpty ? outputs[0] : n.name, inputs: dataInputs, outputs: outputs, line: line)
        switch n.opType {
        case "Conv", "ConvTranspose":
            guard (attr(n, "group")?.i ?? 1) == 1 else { throw fail(n, "grouped convolutions are not supported") }
            let w = try constant(n, 1, "the weights")
            guard w.dims.count == 4 else { throw fail(n, "weights of shape \(w.dims) (4-D expected)", reason: .shape) }
            let bias = n.input.count > 2 && !n.input[2].isEmpty ? try constant(n, 2, "the bias").values : nil
            let k = ints(n, "kernel_shape", [w.dims[2], w.dims[3]]), st = ints(n, "strides", [1, 1]), d = ints(n, "dilations", [1, 1])
            let pads = ints(n, "pads", [0, 0, 0, 0])
            if let ap = attr(n, "auto_pad"), ![Data("NOTSET".utf8), Data()].contains(ap.s) { throw fail(n, "auto_pad \(String(decoding: ap.s, as: UTF8.self)) (explicit pads are supported)") }
            guard k.count == 2, st.count == 2, d.count == 2, pads.count == 4 else { throw fail(n, "only 2-D convolutions are supported") }
            if n.opType == "Conv" {
                let g = ConvGeometry(outC: w.dims[0], kw: k[1], kh: k[0], dw: d[1], dh: d[0], sw: st[1], sh: st[0],
                                     padL: pads[1], padR: pads[3], padT: pads[0], padB: pads[2], weights: w.values, bias: bias, activation: activation)
                return ConvolutionLayer(spec: s, g: g, padValue: 0)
            }
            let (inC, outC, taps) = (w.dims[0], w.dims[1], k[0] * k[1])
            let t = ConvGeometry.transposedWeights(w.values, inC: inC, outC: outC, taps: taps)
            let op = ints(n, "output_padding", [0, 0])
            let g = ConvGeometry(outC: outC, kw: k[1], kh: k[0], dw: d[1], dh: d[0], sw: st[1], sh: st[0],
                                 padL: pads[1], padR: pads[3], padT: pads[0], padB: pads[2], weights: t, bias: bias, activation: activation)
            return DeconvolutionLayer(spec: s, g: g, outPadR: op.count == 2 ? op[1] : 0, outPadB: op.count == 2 ? op[0] : 0)
        case "Relu", "LeakyRelu", "Sigmoid", "Clip":
            guard let a = try activationOf(n) else { throw fail(n, "Clip bounds must be constants") }
            return ActivationLayer(spec: s, activation: a)
        case "PRelu":
            return PReLULayer(spec: s, slopes: try constant(n, 1, "the slopes").values)
        case "Add", "Sub", "Mul", "Div":
            let op = ["Add": 0, "Sub": 1, "Mul": 2, "Div": 3][n.opType]!
            if dataInputs.count == 2 { return BinaryOpLayer(spec: s, op: op, withScalar: false, b: 0) }
            guard dataInputs.count == 1, n.input.count == 2 else { throw fail(n, "needs two inputs") }
            let constantFirst = constants[n.input[0]] != nil
            let c = try constant(n, constantFirst ? 0 : 1, "the second operand")
            guard c.values.count == 1 else { throw fail(n, "a constant operand must be a scalar (got shape \(c.dims))") }
            // c − x and c / x are ncnn's reversed ops (7, 8).
            let reversed = constantFirst && (op == 1 || op == 3)
            return BinaryOpLayer(spec: s, op: reversed ? (op == 1 ? 7 : 8) : op, withScalar: true, b: c.values[0])
        case "Concat":
            let axis = attr(n, "axis")?.i ?? 1
            guard axis == 1 || axis == -3 else { throw fail(n, "axis \(axis) (channels, axis 1, is supported)") }
            return ConcatLayer(spec: s)
        case "DepthToSpace":
            let mode = attr(n, "mode").map { String(decoding: $0.s, as: UTF8.self) } ?? "DCR"
            return PixelShuffleLayer(spec: s, r: Int(attr(n, "blocksize")?.i ?? 1), mode: mode == "CRD" ? 0 : 1)
        case "Resize", "Upsample":
            let modeName = attr(n, "mode").map { String(decoding: $0.s, as: UTF8.self) } ?? "nearest"
            let type: Int
            switch modeName {
            case "nearest": type = 1
            case "cubic":
                let a = attr(n, "cubic_coeff_a")?.f ?? -0.75
                guard abs(a + 0.75) < 1e-6 else { throw fail(n, "cubic_coeff_a \(a) (−0.75 is supported)") }
                type = 3
            default: throw fail(n, "mode '\(modeName)' (nearest and cubic are supported)")
            }
            // Scales: input 2 (Resize opset ≥ 11), input 1 (Upsample, Resize 10) or attribute.
            var scales: [Float] = attr(n, "scales")?.floats ?? []
            for i in [2, 1] where scales.isEmpty && i < n.input.count && !n.input[i].isEmpty {
                if let c = constants[n.input[i]], c.values.count == 4 { scales = c.values }
            }
            if scales.isEmpty, n.input.count > 3, let sizes = constants[n.input[3]], sizes.values.count == 4 {
                return InterpLayer(spec: s, type: type, hScale: 1, wScale: 1, outH: Int(sizes.values[2]), outW: Int(sizes.values[3]))
            }
            guard scales.count == 4, scales[0] == 1, scales[1] == 1 else { throw fail(n, "needs constant spatial scales (got \(scales))") }
            return InterpLayer(spec: s, type: type, hScale: scales[2], wScale: scales[3], outH: 0, outW: 0)
        case "Pad":
            let mode = attr(n, "mode").map { String(decoding: $0.s, as: UTF8.self) } ?? "constant"
            var pads = ints(n, "pads", [])
            if pads.isEmpty { pads = try constant(n, 1, "the pads").values.map { Int($0) } }
            let value = n.input.count > 2 && !n.input[2].isEmpty ? try constant(n, 2, "the pad value").values.first ?? 0 : attr(n, "value")?.f ?? 0
            guard pads.count == 8, pads[0] == 0, pads[1] == 0, pads[4] == 0, pads[5] == 0 else { throw fail(n, "only spatial padding is supported (pads \(pads))") }
            guard let m = PadLayer.Mode(rawValue: mode) else { throw fail(n, "mode '\(mode)' (constant, edge and reflect are supported)") }
            return PadLayer(spec: s, top: pads[2], left: pads[3], bottom: pads[6], right: pads[7], mode: m, value: value)
        case "Slice":
            let starts = try constant(n, 1, "the starts").values.map { Int64($0) }, ends = try constant(n, 2, "the ends").values.map { Int64($0) }
            let axes = n.input.count > 3 && !n.input[3].isEmpty ? try constant(n, 3, "the axes").values.map { Int($0) } : Array(0..<starts.count)
            if n.input.count > 4, !n.input[4].isEmpty, try constant(n, 4, "the steps").values.contains(where: { $0 != 1 }) {
                throw fail(n, "steps other than 1 are not supported")
            }
            var ranges: [Int: (Int64, Int64)] = [:]
            for (k, a) in axes.enumerated() {
                let axis = a < 0 ? a + 4 : a
                guard (1...3).contains(axis) else { throw fail(n, "slicing axis \(a) (channels, height and width can be sliced)") }
                ranges[axis] = (starts[k], ends[k])
            }
            return SliceLayer(spec: s, channels: ranges[1], rows: ranges[2], columns: ranges[3])
        case "Identity", "Dropout":
            return PassLayer(spec: s)
        default:
            throw fail(n, "op type '\(n.opType)' (supported: Conv, ConvTranspose, Relu, LeakyRelu, PRelu, Sigmoid, Clip, Add, Sub, Mul, Div, Concat, DepthToSpace, Resize, Upsample, Pad, Slice, Identity, Constant)")
        }
    }
}
