import Foundation
import RestoreCore

/// layout in place (and is fused into a preceding oneDNN convolution where it can be), so it sits between oneDNN convolutions without reorders.
struct PReLULayer: Op {
    static let names = ["PReLU"]
    static let arity = 1...1
    let spec: LayerSpec
    let slopes: [Float]
    var acceptsBlocked: Bool { true }
    func forward(_ inputs: [Tensor]) throws(NNError) -> [Tensor] {
        var t = inputs[0]
        guard slopes.count == 1 || slopes.count == t.c else { throw shapeError("\(slopes.count) slopes for \(t.c) channels") }
        Self.apply(slopes, to: &t)
        return [t]
    }

    /// x > 0 ? x : slope[c] · x in place, plain or blocked, channels spread over `threads`.
    static func apply(_ slopes: [Float], to t: inout Tensor, threads: Int = 1) {
        let p = t.plane, c = t.c
        @Sendable func slope(_ ch: Int) -> Float { ch < c ? (slopes.count == 1 ? slopes[0] : slopes[ch]) : 0 }
        t.data.withUnsafeMutableBufferPointer { d in
            let base = SendablePointer(d.baseAddress!)
            if t.blocked {
                let b = Tensor.block
                // One job per 8 lanes of a block: a SIMD8 of slopes over every pixel.
                parallelFor((c + b - 1) / b * (b / 8), threads: threads) { job in
                    let block = job / (b / 8), half = job % (b / 8) * 8
                    var s8 = SIMD8<Float>()
                    for l in 0..<8 { s8[l] = slope(block * b + half + l) }
                    let start = base.base + block * p * b + half
                    for i in 0..<p {
                        let at = start + b * i
                        let x = UnsafeRawPointer(at).loadUnaligned(as: SIMD8<Float>.self)
                        UnsafeMutableRawPointer(at).storeBytes(of: x.replacing(with: x * s8, where: x .< 0), as: SIMD8<Float>.self)
                    }
                }
            } else {
                parallelFor(c, threads: threads) { ch in
                    let s = slope(ch), plane = base.base + ch * p
                    for i in 0..<p where plane[i] < 0 { plane[i] *= s }
                }
            }
        }
    }

    func infer(_ inputs: [BlobInfo]) throws(NNError) -> [BlobInfo] {
        guard slopes.count == 1 || slopes.count == inputs[0].c else { throw shapeError("\(slopes.count) slopes for \(inputs[0].c) channels") }
        return [inputs[0]]
    }
}

extension PReLULayer {
    init(_ spec: LayerSpec) throws(NNError) {
        let slopes = try spec.tensor("slopes")
        guard !slopes.isEmpty else { throw spec.fail("has no slopes", reason: .badWeights) }
        self.init(spec: spec, slopes: slopes)
    }
}
