import Foundation
import RestoreCore

/// Interp: nearest or bicubic (Keys, A = −0.75, edge-clamped taps, half-pixel centres).
struct InterpLayer: Op {
    static let names = ["Interp"]
    static let arity = 1...1
    let spec: LayerSpec
    let type: Int, hScale: Float, wScale: Float, outH: Int, outW: Int
    /// Nearest-neighbour resizing by whole factors also runs on blocked tensors.
    var acceptsBlocked: Bool { type == 1 }

    func forward(_ inputs: [Tensor]) throws(NNError) -> [Tensor] {
        var x = inputs[0]
        let (oh, ow) = outputSize(h: x.h, w: x.w)
        guard oh > 0, ow > 0 else { throw shapeError("resized to nothing") }
        if x.blocked && type == 1 && oh % x.h == 0 && ow % x.w == 0 {
            // Whole factors: each pixel's block of lanes repeated fy × fx times.
            let (fy, fx, b, ih, iw) = (oh / x.h, ow / x.w, Tensor.block, x.h, x.w)
            var out = Tensor(blockedC: x.c, h: oh, w: ow)
            let blocks = (x.c + b - 1) / b
            x.data.withUnsafeBufferPointer { s in out.data.withUnsafeMutableBufferPointer { d in
                let src = SendableConstPointer(s.baseAddress!), dst = SendablePointer(d.baseAddress!)
                parallelFor(blocks * ih, threads: Parallelism.defaultThreads) { job in
                    let (blk, y) = (job / ih, job % ih)
                    let row = dst.base + ((blk * oh + y * fy) * ow) * b
                    for xx in 0..<iw {
                        let px = src.base + ((blk * ih + y) * iw + xx) * b
                        for k in 0..<fx { (row + (xx * fx + k) * b).update(from: px, count: b) }
                    }
                    for k in 1..<Swift.max(fy, 1) { (row + k * ow * b).update(from: row, count: ow * b) }
                }
            } }
            return [out]
        }
        x = x.plain
        var out = Tensor(c: x.c, h: oh, w: ow)
        switch type {
        case 1:
            let hs: Float = outH > 0 ? Float(x.h) / Float(oh) : 1 / hScale
            let ws: Float = outW > 0 ? Float(x.w) / Float(ow) : 1 / wScale
            for c in 0..<x.c { for y in 0..<oh {
                let sy = Swift.min(Int(Float(y) * hs), x.h - 1)
                for xx in 0..<ow { out[c, y, xx] = x[c, sy, Swift.min(Int(Float(xx) * ws), x.w - 1)] }
            } }
        case 3:
            let (xi, xw) = Self.taps(inSize: x.w, outSize: ow), (yi, yw) = Self.taps(inSize: x.h, outSize: oh)
            var rows = Tensor(c: x.c, h: x.h, w: ow)
            for c in 0..<x.c { for y in 0..<x.h { for d in 0..<ow {
                var s: Float = 0
                for k in 0..<4 { s += xw[4 * d + k] * x[c, y, xi[4 * d + k]] }
                rows[c, y, d] = s
            } } }
            for c in 0..<x.c { for d in 0..<oh { for xx in 0..<ow {
                var s: Float = 0
                for k in 0..<4 { s += yw[4 * d + k] * rows[c, yi[4 * d + k], xx] }
                out[c, d, xx] = s
            } } }
        default:
            throw spec.fail("resize type \(type) (nearest and bicubic are supported)", reason: .unsupportedLayer)
        }
        return [out]
    }

    func outputSize(h: Int, w: Int) -> (Int, Int) {
        (outH > 0 ? outH : Int(Float(h) * hScale), outW > 0 ? outW : Int(Float(w) * wScale))
    }

    /// Source indices (clamped) and Keys weights of the four taps of every output position.
    static func taps(inSize: Int, outSize: Int) -> ([Int], [Float]) {
        let scale = Float(inSize) / Float(outSize)
        var idx = [Int](repeating: 0, count: 4 * outSize), wts = [Float](repeating: 0, count: 4 * outSize)
        let A: Float = -0.75
        for d in 0..<outSize {
            var f = (Float(d) + 0.5) * scale - 0.5
            let s = Int(f.rounded(.down))
            f -= Float(s)
            let c0 = ((A * (f + 1) - 5 * A) * (f + 1) + 8 * A) * (f + 1) - 4 * A
            let c1 = ((A + 2) * f - (A + 3)) * f * f + 1
            let c2 = ((A + 2) * (1 - f) - (A + 3)) * (1 - f) * (1 - f) + 1
            wts[4 * d] = c0; wts[4 * d + 1] = c1; wts[4 * d + 2] = c2; wts[4 * d + 3] = 1 - c0 - c1 - c2
            for k in 0..<4 { idx[4 * d + k] = Swift.min(Swift.max(s - 1 + k, 0), inSize - 1) }
        }
        return (idx, wts)
    }

    func infer(_ inputs: [BlobInfo]) throws(NNError) -> [BlobInfo] {
        let x = inputs[0]
        let (oh, ow) = outputSize(h: x.h, w: x.w)
        guard oh > 0, ow > 0 else { throw shapeError("resized to nothing") }
        return [x.with(h: oh, w: ow, scale: x.scale * Double(ow) / Double(x.w), grow: type == 3 ? 2 : 1)]
    }
}

extension InterpLayer {
    init(_ spec: LayerSpec) throws(NNError) {
        // `mode` nearest | cubic; `scale` [h, w] in (0, 64], or `size` [h, w] in pixels.
        let type: Int
        switch try spec.string("mode", default: "nearest") {
        case "nearest": type = 1
        case "cubic": type = 3
        case let m: throw spec.fail("mode '\(m)' (nearest and cubic are supported)", reason: .unsupportedLayer)
        }
        let scale = try spec.floats("scale"), size = try spec.ints("size", count: 2, in: 0...65536, default: [0, 0])
        guard scale.isEmpty || (scale.count == 2 && scale.allSatisfy { $0 > 0 && $0 <= 64 }) else {
            throw spec.fail("scale must be two factors in (0, 64], got \(scale)")
        }
        guard !scale.isEmpty || (size[0] > 0 && size[1] > 0) else { throw spec.fail("needs a scale or a size") }
        self.init(spec: spec, type: type, hScale: scale.first ?? 1, wScale: scale.last ?? 1, outH: size[0], outW: size[1])
    }
}
