import Foundation
import RestoreCore

/// Concat along channels.
struct ConcatLayer: Op {
    static let names = ["Concat"]
    static let arity = 1...64
    let spec: LayerSpec
    var acceptsBlocked: Bool { true }  // blocks concatenate when every input fills whole blocks
    func forward(_ inputs: [Tensor]) throws(NNError) -> [Tensor] {
        let inputs = sameLayout(inputs, whole: true)
        let h = inputs[0].h, w = inputs[0].w
        for t in inputs where t.h != h || t.w != w { throw shapeError("inputs \(inputs.map(\.shape)) differ in size") }
        let c = inputs.reduce(0) { $0 + $1.c }, data = Array(inputs.map(\.data).joined())
        return [inputs[0].blocked ? Tensor(blockedC: c, h: h, w: w, data: data) : Tensor(c: c, h: h, w: w, data: data)]
    }

    func infer(_ inputs: [BlobInfo]) throws(NNError) -> [BlobInfo] {
        for t in inputs where t.h != inputs[0].h || t.w != inputs[0].w { throw shapeError("inputs \(inputs.map(\.shape)) differ in size") }
        return [BlobInfo.merged(inputs, c: inputs.reduce(0) { $0 + $1.c })]
    }
}

extension ConcatLayer {
    init(_ spec: LayerSpec) throws(NNError) {
        self.init(spec: spec)
    }
}
