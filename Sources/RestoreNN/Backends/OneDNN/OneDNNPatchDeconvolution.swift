import RestoreCore

/// A deconvolution whose kernel equals its stride (2×2 stride 2 in waifu2x's U-Nets): every
/// input pixel writes its own k×k output patch, so it is exactly a 1×1 convolution to
/// outC·kh·kw channels followed by depth-to-space. oneDNN's deconvolution kernel runs this
/// shape at a few GFLOP/s; as a 1×1 convolution it runs at the speed of a GEMM.
/// Channels are ordered (ky, kx, p) so each output block's lanes stay contiguous.
final class OneDNNPatchDeconvolution: Layer, @unchecked Sendable {
    let reference: DeconvolutionLayer
    let pointwise: OneDNNConvolution
    let threads: Int
    var spec: LayerSpec { reference.spec }
    var acceptsBlocked: Bool { true }

    /// Nil unless the shape qualifies: kernel = stride, no dilation, padding or output padding,
    /// output channels a multiple of the block.
    init?(_ d: DeconvolutionLayer, threads: Int) {
        let g = d.g
        guard g.kh == g.sh, g.kw == g.sw, g.kh > 1 || g.kw > 1, g.dh == 1, g.dw == 1,
              g.padL == 0, g.padR == 0, g.padT == 0, g.padB == 0, d.outPadR == 0, d.outPadB == 0,
              g.outC % Tensor.block == 0 else { return nil }
        let (inC, outC, taps) = (g.inC, g.outC, g.kh * g.kw)
        var w = [Float](repeating: 0, count: taps * outC * inC)
        var b: [Float]? = g.bias.map { _ in [Float](repeating: 0, count: taps * outC) }
        for p in 0..<outC { for q in 0..<inC { for t in 0..<taps {
            w[(t * outC + p) * inC + q] = g.weights[(p * inC + q) * taps + t]
        } } }
        if let bias = g.bias { for t in 0..<taps { for p in 0..<outC { b![t * outC + p] = bias[p] } } }
        let geometry = ConvGeometry(outC: taps * outC, kw: 1, kh: 1, dw: 1, dh: 1, sw: 1, sh: 1, padL: 0, padR: 0, padT: 0, padB: 0,
                                    weights: w, bias: b, activation: g.activation)
        guard let conv = OneDNNConvolution(ConvolutionLayer(spec: d.spec, g: geometry, padValue: 0)) else { return nil }
        reference = d
        pointwise = conv
        self.threads = threads
    }

    func infer(_ inputs: [BlobInfo]) throws(NNError) -> [BlobInfo] { try reference.infer(inputs) }

    func forward(_ inputs: [Tensor]) throws(NNError) -> [Tensor] {
        var mid = try pointwise.forward(inputs)[0]
        if !mid.blocked { mid = mid.toBlocked }
        let g = reference.g, B = Tensor.block
        let (h, w, kh, kw, outC) = (mid.h, mid.w, g.kh, g.kw, g.outC)
        var out = Tensor(blockedC: outC, h: h * kh, w: w * kw)
        let (oh, ow) = (out.h, out.w)
        mid.data.withUnsafeBufferPointer { sb in out.data.withUnsafeMutableBufferPointer { db in
            let src = SendableConstPointer(sb.baseAddress!), dst = SendablePointer(db.baseAddress!)
            parallelFor(outC / B * h, threads: threads) { job in
                let pb = job / h, i = job % h
                for ky in 0..<kh { for kx in 0..<kw {
                    let srcBlock = (ky * kw + kx) * outC / B + pb
                    let s = src.base + ((srcBlock * h + i) * w) * B
                    let d = dst.base + ((pb * oh + i * kh + ky) * ow + kx) * B
                    for j in 0..<w { (d + j * kw * B).update(from: s + j * B, count: B) }
                } }
            }
        } }
        return [out]
    }
}
