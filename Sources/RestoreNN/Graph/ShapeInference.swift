import Foundation

/// What planning needs to know about a blob without computing it: its shape, how many of its
/// pixels correspond to one model-input pixel, and how far (in model-input pixels) an output
/// pixel can see.
public struct BlobInfo: Sendable, Equatable {
    public var c: Int, h: Int, w: Int
    /// Blob pixels per model-input pixel (4 after a ×4 upsampler, ½ after a stride-2 layer).
    public var scale: Double
    /// Receptive-field radius in model-input pixels; `.infinity` after a global op.
    public var radius: Double

    public init(c: Int, h: Int, w: Int, scale: Double = 1, radius: Double = 0) {
        self.c = c; self.h = h; self.w = w; self.scale = scale; self.radius = radius
    }
    public var shape: String { "\(c)x\(h)x\(w)" }
    /// Bytes a blob takes at run time (channels padded to the blocked layout's block).
    var bytes: Int { (c + Tensor.block - 1) / Tensor.block * Tensor.block * h * w * MemoryLayout<Float>.size }

    func with(c: Int? = nil, h: Int? = nil, w: Int? = nil, scale: Double? = nil, grow: Double = 0) -> BlobInfo {
        BlobInfo(c: c ?? self.c, h: h ?? self.h, w: w ?? self.w, scale: scale ?? self.scale, radius: radius + grow / self.scale)
    }
    /// The widest field of several inputs.
    static func merged(_ inputs: [BlobInfo], c: Int? = nil) -> BlobInfo {
        var out = inputs[0]
        out.radius = inputs.map(\.radius).max() ?? 0
        if let c { out.c = c }
        return out
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

extension PassLayer {
    func infer(_ inputs: [BlobInfo]) throws(NNError) -> [BlobInfo] {
        Array(repeating: inputs.first ?? BlobInfo(c: 0, h: 0, w: 0), count: Swift.max(1, spec.outputs.count))
    }
}
extension ConvolutionLayer {
    func infer(_ inputs: [BlobInfo]) throws(NNError) -> [BlobInfo] { [try g.convolved(inputs[0], for: self)] }
}
extension DeconvolutionLayer {
    func infer(_ inputs: [BlobInfo]) throws(NNError) -> [BlobInfo] {
        [try g.deconvolved(inputs[0], outPadB: outPadB, outPadR: outPadR, for: self)]
    }
}
extension OneDNNConvolution {
    func infer(_ inputs: [BlobInfo]) throws(NNError) -> [BlobInfo] { try reference.infer(inputs) }
}
extension PReLULayer {
    func infer(_ inputs: [BlobInfo]) throws(NNError) -> [BlobInfo] {
        guard slopes.count == 1 || slopes.count == inputs[0].c else { throw shapeError("\(slopes.count) slopes for \(inputs[0].c) channels") }
        return [inputs[0]]
    }
}
extension PixelShuffleLayer {
    func infer(_ inputs: [BlobInfo]) throws(NNError) -> [BlobInfo] {
        let x = inputs[0]
        guard x.c % (r * r) == 0 else { throw shapeError("\(x.c) channels are not a multiple of \(r * r)") }
        return [x.with(c: x.c / (r * r), h: x.h * r, w: x.w * r, scale: x.scale * Double(r))]
    }
}
extension InterpLayer {
    func infer(_ inputs: [BlobInfo]) throws(NNError) -> [BlobInfo] {
        let x = inputs[0]
        let (oh, ow) = outputSize(h: x.h, w: x.w)
        guard oh > 0, ow > 0 else { throw shapeError("resized to nothing") }
        return [x.with(h: oh, w: ow, scale: x.scale * Double(ow) / Double(x.w), grow: type == 3 ? 2 : 1)]
    }
}
extension BinaryOpLayer {
    func infer(_ inputs: [BlobInfo]) throws(NNError) -> [BlobInfo] {
        if withScalar { return [inputs[0]] }
        guard inputs.count == 2, inputs[0].shape == inputs[1].shape else { throw shapeError("operands \(inputs.map(\.shape)) differ") }
        return [BlobInfo.merged(inputs)]
    }
}
extension EltwiseLayer {
    func infer(_ inputs: [BlobInfo]) throws(NNError) -> [BlobInfo] {
        for t in inputs where t.shape != inputs[0].shape { throw shapeError("operands \(inputs[0].shape) and \(t.shape) differ") }
        return [BlobInfo.merged(inputs)]
    }
}
extension ConcatLayer {
    func infer(_ inputs: [BlobInfo]) throws(NNError) -> [BlobInfo] {
        for t in inputs where t.h != inputs[0].h || t.w != inputs[0].w { throw shapeError("inputs \(inputs.map(\.shape)) differ in size") }
        return [BlobInfo.merged(inputs, c: inputs.reduce(0) { $0 + $1.c })]
    }
}
extension CropLayer {
    func infer(_ inputs: [BlobInfo]) throws(NNError) -> [BlobInfo] {
        guard inputs.count == 2 else {
            throw NNError(path: nil, reason: .unsupportedLayer, line: spec.line, detail: "\(spec.label): only the reference-blob form of Crop is supported")
        }
        let x = inputs[0], ref = inputs[1]
        guard hOffset + ref.h <= x.h, wOffset + ref.w <= x.w else { throw shapeError("cannot crop \(ref.shape) from \(x.shape)") }
        return [x.with(h: ref.h, w: ref.w)]
    }
}
extension GlobalAveragePoolLayer {
    func infer(_ inputs: [BlobInfo]) throws(NNError) -> [BlobInfo] {
        [BlobInfo(c: inputs[0].c, h: 1, w: 1, scale: inputs[0].scale, radius: .infinity)]
    }
}
extension InnerProductLayer {
    func infer(_ inputs: [BlobInfo]) throws(NNError) -> [BlobInfo] {
        let n = inputs[0].c * inputs[0].h * inputs[0].w
        guard weights.count == outN * n else { throw shapeError("weights for \(weights.count / outN) inputs, got \(n)") }
        return [BlobInfo(c: outN, h: 1, w: 1, scale: inputs[0].scale, radius: .infinity)]
    }
}
extension ScaleLayer {
    func infer(_ inputs: [BlobInfo]) throws(NNError) -> [BlobInfo] {
        guard inputs.count == 2, inputs[1].c * inputs[1].h * inputs[1].w == inputs[0].c else {
            throw shapeError("needs a \(inputs[0].c)-vector as its second input")
        }
        return [BlobInfo.merged(inputs)]
    }
}
extension ActivationLayer {
    func infer(_ inputs: [BlobInfo]) throws(NNError) -> [BlobInfo] { [inputs[0]] }
}
extension PadLayer {
    func infer(_ inputs: [BlobInfo]) throws(NNError) -> [BlobInfo] {
        let x = inputs[0]
        return [x.with(h: x.h + top + bottom, w: x.w + left + right)]
    }
}
extension SliceLayer {
    func infer(_ inputs: [BlobInfo]) throws(NNError) -> [BlobInfo] {
        let x = inputs[0]
        let c = Self.span(channels, x.c).count, h = Self.span(rows, x.h).count, w = Self.span(columns, x.w).count
        guard c > 0, h > 0, w > 0 else { throw shapeError("slice of \(x.shape) is empty") }
        return [x.with(c: c, h: h, w: w)]
    }
}
