import Foundation
import RestoreCore

/// Spatial padding: a constant, the edge pixels repeated, or mirrored (without the edge).
struct PadLayer: Op {
    static let names = ["Pad"]
    static let arity = 1...1
    enum Mode: String, Sendable { case constant, edge, reflect }
    let spec: LayerSpec
    let top: Int, left: Int, bottom: Int, right: Int
    let mode: Mode
    let value: Float
    func forward(_ inputs: [Tensor]) throws(NNError) -> [Tensor] {
        let x = inputs[0]
        guard mode != .reflect || (top < x.h && bottom < x.h && left < x.w && right < x.w) else { throw shapeError("reflect padding wider than \(x.shape)") }
        var out = Tensor(c: x.c, h: x.h + top + bottom, w: x.w + left + right, value: value)
        func source(_ i: Int, _ n: Int) -> Int? {
            if i >= 0 && i < n { return i }
            switch mode {
            case .constant: return nil
            case .edge: return Swift.min(Swift.max(i, 0), n - 1)
            case .reflect: return i < 0 ? -i : 2 * (n - 1) - i
            }
        }
        for c in 0..<x.c { for y in 0..<out.h {
            guard let sy = source(y - top, x.h) else { continue }
            for xx in 0..<out.w { if let sx = source(xx - left, x.w) { out[c, y, xx] = x[c, sy, sx] } }
        } }
        return [out]
    }

    func infer(_ inputs: [BlobInfo]) throws(NNError) -> [BlobInfo] {
        let x = inputs[0]
        return [x.with(h: x.h + top + bottom, w: x.w + left + right)]
    }
}

extension PadLayer {
    init(_ spec: LayerSpec) throws(NNError) {
        // `pads` [top, left, bottom, right] 0…4096; `mode` constant | edge | reflect; `value`.
        let p = try spec.ints("pads", count: 4, in: 0...4096, default: [0, 0, 0, 0])
        let name = try spec.string("mode", default: "constant")
        guard let mode = Mode(rawValue: name) else { throw spec.fail("mode '\(name)' (constant, edge and reflect are supported)", reason: .unsupportedLayer) }
        self.init(spec: spec, top: p[0], left: p[1], bottom: p[2], right: p[3], mode: mode, value: try spec.float("value", default: 0))
    }
}
