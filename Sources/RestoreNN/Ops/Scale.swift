import Foundation
import RestoreCore

/// Scale by a per-channel vector from a second input (0=-233).
struct ScaleLayer: Op {
    static let names = ["Scale"]
    static let arity = 2...2
    let spec: LayerSpec
    var acceptsBlocked: Bool { true }
    func forward(_ inputs: [Tensor]) throws(NNError) -> [Tensor] {
        let x = inputs[0]
        let v = inputs.count == 2 ? inputs[1].plain : Tensor(c: 0, h: 0, w: 0)
        guard inputs.count == 2, v.count == x.c else { throw shapeError("needs a \(x.c)-vector as its second input") }
        // Out of place: the input is usually shared with the graph, so writing it would copy it.
        var out = x
        let lanes = x.blocked ? Tensor.block : 1, p = x.plane, c = x.c
        out.data = [Float](unsafeUninitializedCapacity: x.data.count) { o, n in
            x.data.withUnsafeBufferPointer { s in
                for block in 0..<(x.data.count / (p * lanes)) { for i in 0..<p { for l in 0..<lanes {
                    let ch = x.blocked ? block * lanes + l : block, at = (block * p + i) * lanes + l
                    o[at] = ch < c ? s[at] * v.data[ch] : 0
                } } }
            }
            n = x.data.count
        }
        return [out]
    }

    func infer(_ inputs: [BlobInfo]) throws(NNError) -> [BlobInfo] {
        guard inputs.count == 2, inputs[1].c * inputs[1].h * inputs[1].w == inputs[0].c else {
            throw shapeError("needs a \(inputs[0].c)-vector as its second input")
        }
        return [BlobInfo.merged(inputs)]
    }
}

extension ScaleLayer {
    init(_ spec: LayerSpec) throws(NNError) {
        self.init(spec: spec)
    }
}
