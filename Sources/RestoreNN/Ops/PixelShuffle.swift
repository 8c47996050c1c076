import Foundation
import RestoreCore

/// PixelShuffle (depth to space); mode 0 is PyTorch's / ONNX DepthToSpace "CRD".
struct PixelShuffleLayer: Op {
    static let names = ["PixelShuffle"]
    static let arity = 1...1
    let spec: LayerSpec
    let r: Int, mode: Int
    func forward(_ inputs: [Tensor]) throws(NNError) -> [Tensor] {
        let x = inputs[0]
        guard x.c % (r * r) == 0 else { throw shapeError("\(x.c) channels are not a multiple of \(r * r)") }
        let oc = x.c / (r * r)
        var out = Tensor(c: oc, h: x.h * r, w: x.w * r)
        for c in 0..<oc { for i in 0..<r { for j in 0..<r {
            let src = mode == 0 ? c * r * r + i * r + j : (i * r + j) * oc + c
            for y in 0..<x.h { for xx in 0..<x.w { out[c, y * r + i, xx * r + j] = x[src, y, xx] } }
        } } }
        return [out]
    }

    func infer(_ inputs: [BlobInfo]) throws(NNError) -> [BlobInfo] {
        let x = inputs[0]
        guard x.c % (r * r) == 0 else { throw shapeError("\(x.c) channels are not a multiple of \(r * r)") }
        return [x.with(c: x.c / (r * r), h: x.h * r, w: x.w * r, scale: x.scale * Double(r))]
    }
}

extension PixelShuffleLayer {
    init(_ spec: LayerSpec) throws(NNError) {
        // `factor` 1…64; `mode` 0: channels as (c, i, j), PyTorch's and ONNX CRD; 1: (i, j, c), DCR.
        self.init(spec: spec, r: try spec.int("factor", in: 1...64), mode: try spec.int("mode", in: 0...1, default: 0))
    }
}
