import Foundation

/// An activation fused into a layer (ncnn's 9= / 10= parameters).
public enum Activation: Sendable, Equatable {
    case none, relu, leaky(Float), clip(Float, Float), sigmoid, mish, hardswish(Float, Float)

    init(type: Int, params: [Float], layer: NCNNLayerSpec, path: String?) throws(NNError) {
        func p(_ i: Int, _ d: Float) -> Float { i < params.count ? params[i] : d }
        switch type {
        case 0: self = .none
        case 1: self = .relu
        case 2: self = .leaky(p(0, 0))
        case 3: self = .clip(p(0, -Float.greatestFiniteMagnitude), p(1, Float.greatestFiniteMagnitude))
        case 4: self = .sigmoid
        case 5: self = .mish
        case 6: self = .hardswish(p(0, 0.2), p(1, 0.5))
        default:
            throw NNError(path: path, reason: .unsupportedLayer, line: layer.line, detail: "\(layer.label): activation type \(type)")
        }
    }

    @inline(__always) func apply(_ x: Float) -> Float {
        switch self {
        case .none: return x
        case .relu: return x > 0 ? x : 0
        case .leaky(let s): return x > 0 ? x : x * s
        case .clip(let lo, let hi): return Swift.min(Swift.max(x, lo), hi)
        case .sigmoid: let v = Swift.min(Swift.max(x, -88.3762626647949), 88.3762626647949); return 1 / (1 + exp(-v))
        case .mish: return x * tanh(log(exp(x) + 1))
        case .hardswish(let a, let b):
            let lower = -b / a, upper = 1 / a + lower
            return x < lower ? 0 : x > upper ? x : x * (x * a + b)
        }
    }

    func apply(_ t: inout Tensor) {
        if self == .none { return }
        for i in t.data.indices { t.data[i] = apply(t.data[i]) }
    }
}
