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
        let inputs = sameLayout(inputs)
        var a = inputs[0]
        func f(_ x: Float, _ y: Float) -> Float {
            switch op {
            case 0: return x + y
            case 1: return x - y
            case 2: return x * y
            case 3: return x / y
            case 4: return Swift.max(x, y)
            case 5: return Swift.min(x, y)
            case 6: return pow(x, y)
            case 7: return y - x
            default: return y / x
            }
        }
        guard (0...8).contains(op) else {
            throw spec.fail("op_type \(op)", reason: .unsupportedLayer)
        }
        if withScalar {
            for i in a.data.indices { a.data[i] = f(a.data[i], b) }
            return [a]
        }
        let y = inputs[1]
        guard y.c == a.c && y.h == a.h && y.w == a.w else { throw shapeError("operands \(a.shape) and \(y.shape) differ") }
        for i in a.data.indices { a.data[i] = f(a.data[i], y.data[i]) }
        return [a]
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
