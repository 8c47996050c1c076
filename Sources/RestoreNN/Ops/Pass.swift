import Foundation
import RestoreCore

/// Passes its input through (Input, and each output of Split).
struct PassLayer: Op {
    static let names = ["Pass", "Input"]
    static let arity = 0...1
    let spec: LayerSpec
    var acceptsBlocked: Bool { true }
    func forward(_ inputs: [Tensor]) throws(NNError) -> [Tensor] {
        Array(repeating: inputs.first ?? Tensor(c: 0, h: 0, w: 0), count: Swift.max(1, spec.outputs.count))
    }

    func infer(_ inputs: [BlobInfo]) throws(NNError) -> [BlobInfo] {
        Array(repeating: inputs.first ?? BlobInfo(c: 0, h: 0, w: 0), count: Swift.max(1, spec.outputs.count))
    }
}

extension PassLayer {
    init(_ spec: LayerSpec) throws(NNError) {
        guard spec.op == "Input" || spec.inputs.count == 1 else { throw spec.fail("takes 1 input, the file gives \(spec.inputs.count)") }
        self.init(spec: spec)
    }
}
