import Foundation

/// An activation fused into a layer (a spec's `activation` and `activation_params`).
public enum Activation: Sendable, Equatable {
    case none, relu, leaky(Float), clip(Float, Float), sigmoid, mish, hardswish(Float, Float)

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
