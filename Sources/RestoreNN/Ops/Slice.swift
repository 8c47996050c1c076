import Foundation
import RestoreCore

/// end, ends are clamped; nil keeps the whole axis).
struct SliceLayer: Op {
    static let names = ["Slice"]
    static let arity = 1...1
    let spec: LayerSpec
    let channels: (Int64, Int64)?, rows: (Int64, Int64)?, columns: (Int64, Int64)?

    static func span(_ r: (Int64, Int64)?, _ n: Int) -> Range<Int> {
        guard let (a, b) = r else { return 0..<n }
        func clamp(_ v: Int64) -> Int { Int(Swift.min(Swift.max(v < 0 ? v + Int64(n) : v, 0), Int64(n))) }
        let lo = clamp(a), hi = clamp(b)
        return lo..<Swift.max(lo, hi)
    }

    func forward(_ inputs: [Tensor]) throws(NNError) -> [Tensor] {
        let x = inputs[0]
        let cs = Self.span(channels, x.c), ys = Self.span(rows, x.h), xs = Self.span(columns, x.w)
        guard !cs.isEmpty, !ys.isEmpty, !xs.isEmpty else { throw shapeError("slice of \(x.shape) is empty") }
        var out = Tensor(c: cs.count, h: ys.count, w: xs.count)
        for (c, sc) in cs.enumerated() { for (y, sy) in ys.enumerated() { for (xx, sx) in xs.enumerated() { out[c, y, xx] = x[sc, sy, sx] } } }
        return [out]
    }

    func infer(_ inputs: [BlobInfo]) throws(NNError) -> [BlobInfo] {
        let x = inputs[0]
        let c = Self.span(channels, x.c).count, h = Self.span(rows, x.h).count, w = Self.span(columns, x.w).count
        guard c > 0, h > 0, w > 0 else { throw shapeError("slice of \(x.shape) is empty") }
        return [x.with(c: c, h: h, w: w)]
    }
}

extension SliceLayer {
    init(_ spec: LayerSpec) throws(NNError) {
        // `channels`, `rows`, `columns`: [start, end), negative from the end, clamped.
        func range(_ key: String) throws(NNError) -> (Int64, Int64)? {
            guard spec.params[key] != nil else { return nil }
            let r = try spec.ints(key, count: 2, in: Int.min...Int.max, default: [0, 0])
            return (Int64(r[0]), Int64(r[1]))
        }
        self.init(spec: spec, channels: try range("channels"), rows: try range("rows"), columns: try range("columns"))
    }
}
