import Foundation
import RestoreCore

/// Eltwise: product, weighted sum or max of its inputs.
struct EltwiseLayer: Op {
    static let names = ["Eltwise"]
    static let arity = 1...64
    let spec: LayerSpec
    let op: Int, coeffs: [Float]
    var acceptsBlocked: Bool { true }  // element by element: any layout, if all agree
    func forward(_ inputs: [Tensor]) throws(NNError) -> [Tensor] {
        let inputs = sameLayout(inputs)
        var out = inputs[0]
        for t in inputs.dropFirst() where t.count != out.count { throw shapeError("operands \(out.shape) and \(t.shape) differ") }
        switch op {
        case 0: for t in inputs.dropFirst() { for i in out.data.indices { out.data[i] *= t.data[i] } }
        case 1:
            let k = (0..<inputs.count).map { $0 < coeffs.count ? coeffs[$0] : 1 }
            if inputs.count == 2 && k == [1, 1] {  // the residual add of every U-Net and ResNet block
                // Out of place: the inputs are usually shared with the graph.
                out.data = [Float](unsafeUninitializedCapacity: out.data.count) { o, n in
                    inputs[0].data.withUnsafeBufferPointer { a in inputs[1].data.withUnsafeBufferPointer { b in
                        for i in a.indices { o[i] = a[i] + b[i] }
                    } }
                    n = inputs[0].data.count
                }
            } else {
                for i in out.data.indices { var s: Float = 0; for (j, t) in inputs.enumerated() { s += k[j] * t.data[i] }; out.data[i] = s }
            }
        case 2: for t in inputs.dropFirst() { for i in out.data.indices { out.data[i] = Swift.max(out.data[i], t.data[i]) } }
        default: throw spec.fail("op_type \(op)", reason: .unsupportedLayer)
        }
        return [out]
    }

    func infer(_ inputs: [BlobInfo]) throws(NNError) -> [BlobInfo] {
        for t in inputs where t.shape != inputs[0].shape { throw shapeError("operands \(inputs[0].shape) and \(t.shape) differ") }
        return [BlobInfo.merged(inputs)]
    }
}

extension EltwiseLayer {
    init(_ spec: LayerSpec) throws(NNError) {
        // `operation` prod | sum | max; `coefficients` weight a sum.
        let names = ["prod", "sum", "max"]
        let name = try spec.string("operation", default: "sum")
        guard let op = names.firstIndex(of: name) else { throw spec.fail("operation '\(name)' (\(names.joined(separator: ", ")))", reason: .unsupportedLayer) }
        self.init(spec: spec, op: op, coeffs: try spec.floats("coefficients"))
    }
}
