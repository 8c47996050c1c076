import Foundation
import RestoreCore

/// An activation on its own (ONNX Relu, LeakyRelu, Sigmoid, Clip not fused into a convolution).
struct ActivationLayer: Op {
    static let names = ["Activation"]
    static let arity = 1...1
    let spec: LayerSpec
    let activation: Activation
    var acceptsBlocked: Bool { true }  // element by element
    func forward(_ inputs: [Tensor]) throws(NNError) -> [Tensor] {
        var t = inputs[0]
        activation.apply(&t)
        return [t]
    }

    func infer(_ inputs: [BlobInfo]) throws(NNError) -> [BlobInfo] { [inputs[0]] }
}

extension ActivationLayer {
    init(_ spec: LayerSpec) throws(NNError) {
        self.init(spec: spec, activation: try spec.activation())
    }
}
