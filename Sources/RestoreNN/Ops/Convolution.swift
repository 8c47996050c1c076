import Foundation
import RestoreCore

/// padding, weights [out_c][in_c][kh][kw], bias and fused activation.
struct ConvGeometry: Sendable {
    let outC: Int, kw: Int, kh: Int, dw: Int, dh: Int, sw: Int, sh: Int
    let padL: Int, padR: Int, padT: Int, padB: Int
    let weights: [Float], bias: [Float]?
    let activation: Activation
    var inC: Int { weights.count / (outC * kh * kw) }

    /// PyTorch/ONNX transposed-convolution weights, [in][out][kh][kw], in our [out][in][kh][kw] order.
    static func transposedWeights(_ w: [Float], inC: Int, outC: Int, taps: Int) -> [Float] {
        var t = [Float](repeating: 0, count: w.count)
        for i in 0..<inC { for o in 0..<outC { for q in 0..<taps { t[(o * inC + i) * taps + q] = w[(i * outC + o) * taps + q] } } }
        return t
    }

    /// Throws unless `x` has the input channels the weights expect.
    func check(_ x: Tensor, for layer: some Layer) throws(NNError) {
        guard x.c == inC else { throw layer.shapeError("expects \(inC) input channels, got \(x.shape)") }
    }
}

/// Convolution: padding with `padValue`, cross-correlation, bias, fused activation.
struct ConvolutionLayer: Op {
    static let names = ["Convolution"]
    static let arity = 1...1
    let spec: LayerSpec
    let g: ConvGeometry
    let padValue: Float

    func forward(_ inputs: [Tensor]) throws(NNError) -> [Tensor] {
        let x = inputs[0]
        let (outC, kw, kh, dw, dh, sw, sh) = (g.outC, g.kw, g.kh, g.dw, g.dh, g.sw, g.sh)
        let (padL, padR, padT, padB, weights, bias) = (g.padL, g.padR, g.padT, g.padB, g.weights, g.bias)
        let inC = g.inC
        try g.check(x, for: self)
        let H = x.h + padT + padB, W = x.w + padL + padR
        let oh = (H - (dh * (kh - 1) + 1)) / sh + 1, ow = (W - (dw * (kw - 1) + 1)) / sw + 1
        guard oh > 0, ow > 0 else { throw shapeError("input \(x.shape) is smaller than the kernel") }
        // Padded copy of the input, then a direct convolution row by row.
        var padded = [Float](repeating: padValue, count: inC * H * W)
        for c in 0..<inC { for y in 0..<x.h { for xx in 0..<x.w {
            padded[(c * H + y + padT) * W + xx + padL] = x.data[(c * x.h + y) * x.w + xx]
        } } }
        var out = Tensor(c: outC, h: oh, w: ow)
        padded.withUnsafeBufferPointer { pin in
            weights.withUnsafeBufferPointer { wt in
                out.data.withUnsafeMutableBufferPointer { o in
                    for oc in 0..<outC {
                        let op = o.baseAddress! + oc * oh * ow
                        let b = bias?[oc] ?? 0
                        for i in 0..<(oh * ow) { op[i] = b }
                        for ic in 0..<inC {
                            let ip = pin.baseAddress! + ic * H * W
                            for ky in 0..<kh { for kx in 0..<kw {
                                let wv = wt[((oc * inC + ic) * kh + ky) * kw + kx]
                                for oy in 0..<oh {
                                    let row = ip + (oy * sh + ky * dh) * W + kx * dw
                                    let orow = op + oy * ow
                                    if sw == 1 { for ox in 0..<ow { orow[ox] += wv * row[ox] } }
                                    else { for ox in 0..<ow { orow[ox] += wv * row[ox * sw] } }
                                }
                            } }
                        }
                    }
                }
            }
        }
        g.activation.apply(&out)
        return [out]
    }

    func infer(_ inputs: [BlobInfo]) throws(NNError) -> [BlobInfo] { [try g.convolved(inputs[0], for: self)] }
}

extension ConvolutionLayer {
    init(_ spec: LayerSpec) throws(NNError) {
        self.init(spec: spec, g: try ConvGeometry(spec), padValue: try spec.float("pad_value", default: 0))
    }
}

extension ConvGeometry {
    func convolved(_ x: BlobInfo, for layer: some Layer) throws(NNError) -> BlobInfo {
        guard x.c == inC else { throw layer.shapeError("expects \(inC) input channels, got \(x.shape)") }
        let oh = (x.h + padT + padB - (dh * (kh - 1) + 1)) / sh + 1, ow = (x.w + padL + padR - (dw * (kw - 1) + 1)) / sw + 1
        guard oh > 0, ow > 0 else { throw layer.shapeError("input \(x.shape) is smaller than the kernel") }
        let reach = Double(Swift.max((kh - 1) * dh, (kw - 1) * dw)) / 2
        return x.with(c: outC, h: oh, w: ow, scale: x.scale / Double(Swift.max(sh, sw)), grow: reach)
    }

    func deconvolved(_ x: BlobInfo, outPadB: Int, outPadR: Int, for layer: some Layer) throws(NNError) -> BlobInfo {
        guard x.c == inC else { throw layer.shapeError("expects \(inC) input channels, got \(x.shape)") }
        let oh = (x.h - 1) * sh + dh * (kh - 1) + 1 + outPadB - padT - padB
        let ow = (x.w - 1) * sw + dw * (kw - 1) + 1 + outPadR - padL - padR
        guard oh > 0, ow > 0 else { throw layer.shapeError("output cropped to nothing") }
        // An output pixel gathers the input pixels its kernel taps land on: about (k−1)·d/s of them.
        let reach = (Double(Swift.max((kh - 1) * dh, (kw - 1) * dw)) / Double(Swift.max(1, Swift.min(sh, sw))) / 2).rounded(.up)
        return x.with(c: outC, h: oh, w: ow, scale: x.scale * Double(Swift.max(sh, sw)), grow: reach)
    }
}

extension ConvGeometry {
    /// Reads and checks a (de)convolution's parameters: `num_output` 1…65536, `kernel`,
    /// `dilation` and `stride` [h, w] 1…64, `pads` [top, left, bottom, right] 0…4096, the
    /// `weight` tensor ([out][in][kh][kw], a whole number of input channels) and an optional
    /// `bias` of `num_output` values, and the fused activation.
    init(_ spec: LayerSpec) throws(NNError) {
        let outC = try spec.int("num_output", in: 1...65536)
        let k = try spec.ints("kernel", count: 2, in: 1...64, default: [0, 0])
        let d = try spec.ints("dilation", count: 2, in: 1...64, default: [1, 1])
        let s = try spec.ints("stride", count: 2, in: 1...64, default: [1, 1])
        let p = try spec.ints("pads", count: 4, in: 0...4096, default: [0, 0, 0, 0])
        let w = try spec.tensor("weight")
        let perInput = outC * k[0] * k[1]
        guard !w.isEmpty, w.count % perInput == 0 else {
            throw spec.fail("\(w.count) weights are not a whole number of input channels for \(outC) outputs of \(k[0])×\(k[1])", reason: .badWeights)
        }
        let bias = spec.tensors["bias"] == nil ? nil : try spec.tensor("bias", count: outC)
        self.init(outC: outC, kw: k[1], kh: k[0], dw: d[1], dh: d[0], sw: s[1], sh: s[0], padL: p[1], padR: p[3], padT: p[0], padB: p[2],
                  weights: w, bias: bias, activation: try spec.activation())
    }

    /// The spec parameters and tensors describing this geometry (for importers that build
    /// layers from already-shaped weights).
    func spec(op: String, name: String, inputs: [String], outputs: [String], location: SourceLocation,
              extra: [String: LayerParam] = [:]) -> LayerSpec {
        var params: [String: LayerParam] = ["num_output": .int(outC), "kernel": .ints([kh, kw]), "dilation": .ints([dh, dw]),
                                            "stride": .ints([sh, sw]), "pads": .ints([padT, padL, padB, padR])]
        params.merge(activation.params) { a, _ in a }
        params.merge(extra) { a, _ in a }
        var tensors = ["weight": weights]
        tensors["bias"] = bias
        return LayerSpec(op: op, name: name, inputs: inputs, outputs: outputs, params: params, tensors: tensors, location: location)
    }
}
