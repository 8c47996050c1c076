import Foundation
import RestoreCore

/// BinaryOp on two equal-shaped inputs, or with a scalar (1=1, 2=b).
struct BinaryOpLayer: Op {
    static let names = ["BinaryOp"]
    static let arity = 1...2
    let spec: LayerSpec
    let op: Int, withScalar: Bool, b: Float
    var acceptsBlocked: Bool { true }  // element by element: any layout, if both agree
    func forward(_ inputs: [Tensor]) throws(NNError) -> [Tensor] {
        guard (0...8).contains(op) else {
            throw spec.fail("op_type \(op)", reason: .unsupportedLayer)
        }
        let inputs = sameLayout(inputs)
        let y: Tensor? = withScalar ? nil : inputs[1]
        if let y {
            let a = inputs[0]
            guard y.c == a.c && y.h == a.h && y.w == a.w, y.data.count == a.data.count else { throw shapeError("operands \(a.shape) and \(y.shape) differ") }
        }
        switch op {
        case 0: return [combine(inputs[0], y, +)]
        case 1: return [combine(inputs[0], y, -)]
        case 2: return [combine(inputs[0], y, *)]
        case 3: return [combine(inputs[0], y, /)]
        case 4: return [combine(inputs[0], y) { Swift.max($0, $1) }]
        case 5: return [combine(inputs[0], y) { Swift.min($0, $1) }]
        case 6: return [combine(inputs[0], y) { pow($0, $1) }]
        case 7: return [combine(inputs[0], y) { $1 - $0 }]
        default: return [combine(inputs[0], y) { $1 / $0 }]
        }
    }

    /// `f(a, y)` element by element (or `f(a, b)` with the scalar), out of place: the operands
    /// are usually blobs the graph still shares, which an in-place write would copy first.
    @inline(__always)
    private func combine(_ a: Tensor, _ y: Tensor?, _ f: (Float, Float) -> Float) -> Tensor {
        var out = a
        let n = a.data.count, scalar = b
        out.data = [Float](unsafeUninitializedCapacity: n) { o, done in
            a.data.withUnsafeBufferPointer { x in
                if let y {
                    y.data.withUnsafeBufferPointer { v in for i in 0..<n { o[i] = f(x[i], v[i]) } }
                } else {
                    for i in 0..<n { o[i] = f(x[i], scalar) }
                }
            }
            done = n
        }
        return out
    }

    func infer(_ inputs: [BlobInfo]) throws(NNError) -> [BlobInfo] {
        if withScalar { return [inputs[0]] }
        guard inputs.count == 2, inputs[0].shape == inputs[1].shape else { throw shapeError("operands \(inputs.map(\.shape)) differ") }
        return [BlobInfo.merged(inputs)]
    }
}

extension BinaryOpLayer {
    init(_ spec: LayerSpec) throws(NNError) {
        // `operation` add | sub | mul | div | max | min | pow | rsub | rdiv; with one input,
        // the other operand is the number `scalar`.
        let names = ["add", "sub", "mul", "div", "max", "min", "pow", "rsub", "rdiv"]
        let name = try spec.string("operation", default: "add")
        guard let op = names.firstIndex(of: name) else { throw spec.fail("operation '\(name)' (\(names.joined(separator: ", ")))", reason: .unsupportedLayer) }
        let withScalar = spec.inputs.count == 1
        guard !withScalar || spec.params["scalar"] != nil else { throw spec.fail("one input needs a scalar operand") }
        self.init(spec: spec, op: op, withScalar: withScalar, b: try spec.float("scalar", default: 0))
    }
}
