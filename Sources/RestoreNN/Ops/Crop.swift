import Foundation
import RestoreCore

/// Crop to a reference blob's size at (woffset, hoffset).
struct CropLayer: Op {
    static let names = ["Crop"]
    static let arity = 2...2
    let spec: LayerSpec
    let wOffset: Int, hOffset: Int
    var acceptsBlocked: Bool { true }
    func forward(_ inputs: [Tensor]) throws(NNError) -> [Tensor] {
        guard inputs.count == 2 else {
            throw spec.fail("only the reference-blob form of Crop is supported", reason: .unsupportedLayer)
        }
        let x = inputs[0], ref = inputs[1]
        guard hOffset + ref.h <= x.h, wOffset + ref.w <= x.w else { throw shapeError("cannot crop \(ref.shape) from \(x.shape)") }
        // Rows of `lanes` floats per pixel: 1 per channel plane (plain), a block's (blocked).
        let lanes = x.blocked ? Tensor.block : 1, planes = x.blocked ? (x.c + lanes - 1) / lanes : x.c
        var out = x.blocked ? Tensor(blockedC: x.c, h: ref.h, w: ref.w) : Tensor(c: x.c, h: ref.h, w: ref.w)
        x.data.withUnsafeBufferPointer { s in out.data.withUnsafeMutableBufferPointer { d in
            for p in 0..<planes { for y in 0..<ref.h {
                (d.baseAddress! + (p * ref.h + y) * ref.w * lanes)
                    .update(from: s.baseAddress! + ((p * x.h + y + hOffset) * x.w + wOffset) * lanes, count: ref.w * lanes)
            } }
        } }
        return [out]
    }

    func infer(_ inputs: [BlobInfo]) throws(NNError) -> [BlobInfo] {
        guard inputs.count == 2 else {
            throw spec.fail("only the reference-blob form of Crop is supported", reason: .unsupportedLayer)
        }
        let x = inputs[0], ref = inputs[1]
        guard hOffset + ref.h <= x.h, wOffset + ref.w <= x.w else { throw shapeError("cannot crop \(ref.shape) from \(x.shape)") }
        return [x.with(h: ref.h, w: ref.w)]
    }
}

extension CropLayer {
    init(_ spec: LayerSpec) throws(NNError) {
        // `offset` [h, w]: where the reference blob's size is cut from the first input.
        let o = try spec.ints("offset", count: 2, in: 0...65536, default: [0, 0])
        self.init(spec: spec, wOffset: o[1], hOffset: o[0])
    }
}
