import Foundation
import RestoreCore

/// Global average pooling to a (c, 1, 1) vector.
struct GlobalAveragePoolLayer: Op {
    static let names = ["GlobalAveragePool"]
    static let arity = 1...1
    let spec: LayerSpec
    var acceptsBlocked: Bool { true }
    func forward(_ inputs: [Tensor]) throws(NNError) -> [Tensor] {
        let x = inputs[0]
        // Runs of `lanes` floats per pixel: 1 per plane (plain) or a block's (blocked).
        let lanes = x.blocked ? Tensor.block : 1, p = x.plane
        var sums = [Float](repeating: 0, count: x.data.count / p)
        x.data.withUnsafeBufferPointer { d in
            for run in 0..<(sums.count / lanes) { for i in 0..<p { for l in 0..<lanes { sums[run * lanes + l] += d[(run * p + i) * lanes + l] } } }
        }
        return [Tensor(c: x.c, h: 1, w: 1, data: (0..<x.c).map { sums[$0] / Float(p) })]
    }

    func infer(_ inputs: [BlobInfo]) throws(NNError) -> [BlobInfo] {
        [BlobInfo(c: inputs[0].c, h: 1, w: 1, scale: inputs[0].scale, radius: .infinity)]
    }
}

extension GlobalAveragePoolLayer {
    init(_ spec: LayerSpec) throws(NNError) {
        self.init(spec: spec)
    }
}
