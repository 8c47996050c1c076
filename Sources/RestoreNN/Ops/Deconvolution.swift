import Foundation
import RestoreCore

/// Deconvolution (scatter form), bias, activation, then the pads cropped off.
struct DeconvolutionLayer: Op {
    static let names = ["Deconvolution"]
    static let arity = 1...1
    let spec: LayerSpec
    let g: ConvGeometry
    let outPadR: Int, outPadB: Int

    func forward(_ inputs: [Tensor]) throws(NNError) -> [Tensor] {
        let x = inputs[0]
        let (outC, kw, kh, dw, dh, sw, sh) = (g.outC, g.kw, g.kh, g.dw, g.dh, g.sw, g.sh)
        let (padL, padR, padT, padB, weights, bias) = (g.padL, g.padR, g.padT, g.padB, g.weights, g.bias)
        let inC = g.inC
        try g.check(x, for: self)
        let fullH = (x.h - 1) * sh + dh * (kh - 1) + 1 + outPadB, fullW = (x.w - 1) * sw + dw * (kw - 1) + 1 + outPadR
        var full = Tensor(c: outC, h: fullH, w: fullW)
        // Scatter form, one kernel tap at a time: full[p][i·sh + ky·dh][j·sw + kx·dw] += x[q][i][j] · W[p][q][ky][kx].
        x.data.withUnsafeBufferPointer { xs in weights.withUnsafeBufferPointer { wt in full.data.withUnsafeMutableBufferPointer { fd in
            for p in 0..<outC {
                let out = fd.baseAddress! + p * fullH * fullW
                if let bias { for k in 0..<(fullH * fullW) { out[k] = bias[p] } }
                for q in 0..<inC { for ky in 0..<kh { for kx in 0..<kw {
                    let wv = wt[((p * inC + q) * kh + ky) * kw + kx]
                    for i in 0..<x.h {
                        let src = xs.baseAddress! + (q * x.h + i) * x.w
                        let dst = out + (i * sh + ky * dh) * fullW + kx * dw
                        for j in 0..<x.w { dst[j * sw] += wv * src[j] }
                    }
                } } }
            }
        } } }
        g.activation.apply(&full)
        let oh = fullH - padT - padB, ow = fullW - padL - padR
        guard oh > 0, ow > 0 else { throw shapeError("output cropped to nothing") }
        var out = Tensor(c: outC, h: oh, w: ow)
        for c in 0..<outC { for y in 0..<oh { for xx in 0..<ow { out[c, y, xx] = full[c, y + padT, xx + padL] } } }
        return [out]
    }

    func infer(_ inputs: [BlobInfo]) throws(NNError) -> [BlobInfo] {
        [try g.deconvolved(inputs[0], outPadB: outPadB, outPadR: outPadR, for: self)]
    }
}

extension DeconvolutionLayer {
    init(_ spec: LayerSpec) throws(NNError) {
        let g = try ConvGeometry(spec)
        let op = try spec.ints("output_padding", count: 2, in: 0...64, default: [0, 0])
        self.init(spec: spec, g: g, outPadR: op[1], outPadB: op[0])
    }
}
