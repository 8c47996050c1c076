import Foundation
import RestoreCore

/// Fully connected on the flattened input, bias, activation.
struct InnerProductLayer: Op {
    static let names = ["InnerProduct"]
    static let arity = 1...1
    let spec: LayerSpec
    let outN: Int, weights: [Float], bias: [Float]?, activation: Activation
    func forward(_ inputs: [Tensor]) throws(NNError) -> [Tensor] {
        let x = inputs[0]
        guard weights.count == outN * x.count else { throw shapeError("weights for \(weights.count / outN) inputs, got \(x.count)") }
        var out = Tensor(c: outN, h: 1, w: 1)
        for o in 0..<outN {
            var s = bias?[o] ?? 0
            for i in 0..<x.count { s += weights[o * x.count + i] * x.data[i] }
            out.data[o] = activation.apply(s)
        }
        return [out]
    }

    func infer(_ inputs: [BlobInfo]) throws(NNError) -> [BlobInfo] {
        let n = inputs[0].c * inputs[0].h * inputs[0].w
        guard weights.count == outN * n else { throw shapeError("weights for \(weights.count / outN) inputs, got \(n)") }
        return [BlobInfo(c: outN, h: 1, w: 1, scale: inputs[0].scale, radius: .infinity)]
    }
}

extension InnerProductLayer {
    init(_ spec: LayerSpec) throws(NNError) {
        let n = try spec.int("num_output", in: 1...(1 << 20))
        let w = try spec.tensor("weight")
        guard !w.isEmpty, w.count % n == 0 else { throw spec.fail("\(w.count) weights are not a whole number of inputs for \(n) outputs", reason: .badWeights) }
        let bias = spec.tensors["bias"] == nil ? nil : try spec.tensor("bias", count: n)
        self.init(spec: spec, outN: n, weights: w, bias: bias, activation: try spec.activation())
    }
}
