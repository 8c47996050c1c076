import Foundation
import RestoreCore

/// A layer of the graph. `forward` is the reference implementation: plain Swift, obviously
/// correct, the living definition every fast backend is tested against.
public protocol Layer: Sendable {
    var spec: NCNNLayerSpec { get }
    func forward(_ inputs: [Tensor]) throws(NNError) -> [Tensor]
    /// Shapes and receptive fields of the outputs, for planning (`Graph/ShapeInference.swift`).
    func infer(_ inputs: [BlobInfo]) throws(NNError) -> [BlobInfo]
    /// True when `forward` also takes tensors in the blocked layout (oneDNN's, between fast
    /// layers), so the graph need not convert them to plain CHW first.
    var acceptsBlocked: Bool { get }
}

extension Layer {
    var acceptsBlocked: Bool { false }
}

/// All inputs in one layout: blocked when any is (and every channel count fills whole blocks
/// where `whole` is asked), else plain.
func sameLayout(_ inputs: [Tensor], whole: Bool = false) -> [Tensor] {
    guard inputs.contains(where: \.blocked) else { return inputs }
    if whole && inputs.contains(where: { $0.c % Tensor.block != 0 }) { return inputs.map(\.plain) }
    return inputs.map(\.toBlocked)
}

extension Layer {
    func shapeError(_ what: String) -> NNError {
        NNError(path: nil, reason: .shape, line: spec.line, detail: "\(spec.label): \(what)")
    }
}

/// Passes its input through (Input, and each output of Split).
struct PassLayer: Layer {
    let spec: NCNNLayerSpec
    var acceptsBlocked: Bool { true }
    func forward(_ inputs: [Tensor]) throws(NNError) -> [Tensor] {
        Array(repeating: inputs.first ?? Tensor(c: 0, h: 0, w: 0), count: Swift.max(1, spec.outputs.count))
    }
}

/// The shape and parameters of a (de)convolution: output channels, kernel, dilation, stride,
/// padding, weights [out_c][in_c][kh][kw], bias and fused activation.
struct ConvGeometry: Sendable {
    let outC: Int, kw: Int, kh: Int, dw: Int, dh: Int, sw: Int, sh: Int
    let padL: Int, padR: Int, padT: Int, padB: Int
    let weights: [Float], bias: [Float]?
    let activation: Activation
    var inC: Int { weights.count / (outC * kh * kw) }

    /// PyTorch/ONNX transposed-convolution weights, [in][out][kh][kw], in our [out][in][kh][kw] order.
    static func transposedWeights(_ w: [Float], inC: Int, outC: Int, taps: Int) -> [Float] {
        var t = [Float](repeating: 0, count: w.count)
        for i in 0..<inC { for o in 0..<outC { for q in 0..<taps { t[(o * inC + i) * taps + q] = w[(i * outC + o) * taps + q] } } }
        return t
    }

    /// Throws unless `x` has the input channels the weights expect.
    func check(_ x: Tensor, for layer: some Layer) throws(NNError) {
        guard x.c == inC else { throw layer.shapeError("expects \(inC) input channels, got \(x.shape)") }
    }
}

/// Convolution: padding with `padValue`, cross-correlation, bias, fused activation.
struct ConvolutionLayer: Layer {
    let spec: NCNNLayerSpec
    let g: ConvGeometry
    let padValue: Float

    func forward(_ inputs: [Tensor]) throws(NNError) -> [Tensor] {
        let x = inputs[0]
        let (outC, kw, kh, dw, dh, sw, sh) = (g.outC, g.kw, g.kh, g.dw, g.dh, g.sw, g.sh)
        let (padL, padR, padT, padB, weights, bias) = (g.padL, g.padR, g.padT, g.padB, g.weights, g.bias)
        let inC = g.inC
        try g.check(x, for: self)
        let H = x.h + padT + padB, W = x.w + padL + padR
        let oh = (H - (dh * (kh - 1) + 1)) / sh + 1, ow = (W - (dw * (kw - 1) + 1)) / sw + 1
        guard oh > 0, ow > 0 else { throw shapeError("input \(x.shape) is smaller than the kernel") }
        // Padded copy of the input, then a direct convolution row by row.
        var padded = [Float](repeating: padValue, count: inC * H * W)
        for c in 0..<inC { for y in 0..<x.h { for xx in 0..<x.w {
            padded[(c * H + y + padT) * W + xx + padL] = x.data[(c * x.h + y) * x.w + xx]
        } } }
        var out = Tensor(c: outC, h: oh, w: ow)
        padded.withUnsafeBufferPointer { pin in
            weights.withUnsafeBufferPointer { wt in
                out.data.withUnsafeMutableBufferPointer { o in
                    for oc in 0..<outC {
                        let op = o.baseAddress! + oc * oh * ow
                        let b = bias?[oc] ?? 0
                        for i in 0..<(oh * ow) { op[i] = b }
                        for ic in 0..<inC {
                            let ip = pin.baseAddress! + ic * H * W
                            for ky in 0..<kh { for kx in 0..<kw {
                                let wv = wt[((oc * inC + ic) * kh + ky) * kw + kx]
                                for oy in 0..<oh {
                                    let row = ip + (oy * sh + ky * dh) * W + kx * dw
                                    let orow = op + oy * ow
                                    if sw == 1 { for ox in 0..<ow { orow[ox] += wv * row[ox] } }
                                    else { for ox in 0..<ow { orow[ox] += wv * row[ox * sw] } }
                                }
                            } }
                        }
                    }
                }
            }
        }
        g.activation.apply(&out)
        return [out]
    }
}

/// Deconvolution (scatter form), bias, activation, then the pads cropped off.
struct DeconvolutionLayer: Layer {
    let spec: NCNNLayerSpec
    let g: ConvGeometry
    let outPadR: Int, outPadB: Int

    func forward(_ inputs: [Tensor]) throws(NNError) -> [Tensor] {
        let x = inputs[0]
        let (outC, kw, kh, dw, dh, sw, sh) = (g.outC, g.kw, g.kh, g.dw, g.dh, g.sw, g.sh)
        let (padL, padR, padT, padB, weights, bias) = (g.padL, g.padR, g.padT, g.padB, g.weights, g.bias)
        let inC = g.inC
        try g.check(x, for: self)
        let fullH = (x.h - 1) * sh + dh * (kh - 1) + 1 + outPadB, fullW = (x.w - 1) * sw + dw * (kw - 1) + 1 + outPadR
        var full = Tensor(c: outC, h: fullH, w: fullW)
        // Scatter form, one kernel tap at a time: full[p][i·sh + ky·dh][j·sw + kx·dw] += x[q][i][j] · W[p][q][ky][kx].
        x.data.withUnsafeBufferPointer { xs in weights.withUnsafeBufferPointer { wt in full.data.withUnsafeMutableBufferPointer { fd in
            for p in 0..<outC {
                let out = fd.baseAddress! + p * fullH * fullW
                if let bias { for k in 0..<(fullH * fullW) { out[k] = bias[p] } }
                for q in 0..<inC { for ky in 0..<kh { for kx in 0..<kw {
                    let wv = wt[((p * inC + q) * kh + ky) * kw + kx]
                    for i in 0..<x.h {
                        let src = xs.baseAddress! + (q * x.h + i) * x.w
                        let dst = out + (i * sh + ky * dh) * fullW + kx * dw
                        for j in 0..<x.w { dst[j * sw] += wv * src[j] }
                    }
                } } }
            }
        } } }
        g.activation.apply(&full)
        let oh = fullH - padT - padB, ow = fullW - padL - padR
        guard oh > 0, ow > 0 else { throw shapeError("output cropped to nothing") }
        var out = Tensor(c: outC, h: oh, w: ow)
        for c in 0..<outC { for y in 0..<oh { for xx in 0..<ow { out[c, y, xx] = full[c, y + padT, xx + padL] } } }
        return [out]
    }
}

/// PReLU: x > 0 ? x : slope[c] · x (one slope broadcasts). Also reads and writes the blocked
/// layout in place (and is fused into a preceding oneDNN convolution where it can be), so it sits between oneDNN convolutions without reorders.
struct PReLULayer: Layer {
    let spec: NCNNLayerSpec
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
}

/// PixelShuffle (depth to space); mode 0 is PyTorch's / ONNX DepthToSpace "CRD".
struct PixelShuffleLayer: Layer {
    let spec: NCNNLayerSpec
    let r: Int, mode: Int
    func forward(_ inputs: [Tensor]) throws(NNError) -> [Tensor] {
        let x = inputs[0]
        guard x.c % (r * r) == 0 else { throw shapeError("\(x.c) channels are not a multiple of \(r * r)") }
        let oc = x.c / (r * r)
        var out = Tensor(c: oc, h: x.h * r, w: x.w * r)
        for c in 0..<oc { for i in 0..<r { for j in 0..<r {
            let src = mode == 0 ? c * r * r + i * r + j : (i * r + j) * oc + c
            for y in 0..<x.h { for xx in 0..<x.w { out[c, y * r + i, xx * r + j] = x[src, y, xx] } }
        } } }
        return [out]
    }
}

/// Interp: nearest or bicubic (Keys, A = −0.75, edge-clamped taps, half-pixel centres).
struct InterpLayer: Layer {
    let spec: NCNNLayerSpec
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
            throw NNError(path: nil, reason: .unsupportedLayer, line: spec.line, detail: "\(spec.label): resize type \(type) (nearest and bicubic are supported)")
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
}

/// BinaryOp on two equal-shaped inputs, or with a scalar (1=1, 2=b).
struct BinaryOpLayer: Layer {
    let spec: NCNNLayerSpec
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
            throw NNError(path: nil, reason: .unsupportedLayer, line: spec.line, detail: "\(spec.label): op_type \(op)")
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
}

/// Eltwise: product, weighted sum or max of its inputs.
struct EltwiseLayer: Layer {
    let spec: NCNNLayerSpec
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
        default: throw NNError(path: nil, reason: .unsupportedLayer, line: spec.line, detail: "\(spec.label): op_type \(op)")
        }
        return [out]
    }
}

/// Concat along channels.
struct ConcatLayer: Layer {
    let spec: NCNNLayerSpec
    var acceptsBlocked: Bool { true }  // blocks concatenate when every input fills whole blocks
    func forward(_ inputs: [Tensor]) throws(NNError) -> [Tensor] {
        let inputs = sameLayout(inputs, whole: true)
        let h = inputs[0].h, w = inputs[0].w
        for t in inputs where t.h != h || t.w != w { throw shapeError("inputs \(inputs.map(\.shape)) differ in size") }
        let c = inputs.reduce(0) { $0 + $1.c }, data = Array(inputs.map(\.data).joined())
        return [inputs[0].blocked ? Tensor(blockedC: c, h: h, w: w, data: data) : Tensor(c: c, h: h, w: w, data: data)]
    }
}

/// Crop to a reference blob's size at (woffset, hoffset).
struct CropLayer: Layer {
    let spec: NCNNLayerSpec
    let wOffset: Int, hOffset: Int
    var acceptsBlocked: Bool { true }
    func forward(_ inputs: [Tensor]) throws(NNError) -> [Tensor] {
        guard inputs.count == 2 else {
            throw NNError(path: nil, reason: .unsupportedLayer, line: spec.line, detail: "\(spec.label): only the reference-blob form of Crop is supported")
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
}

/// Global average pooling to a (c, 1, 1) vector.
struct GlobalAveragePoolLayer: Layer {
    let spec: NCNNLayerSpec
    var acceptsBlocked: Bool { true }
    func forward(_ inputs: [Tensor]) throws(NNError) -> [Tensor] {
        let x = inputs[0]
        // Runs of `lanes` floats per pixel: 1 per plane (plain) or a block's (blocked).
        let lanes = x.blocked ? Tensor.block : 1, p = x.plane
        var sums = [Float](repeating: 0, count: x.data.count / p)
        x.data.withUnsafeBufferPointer { d in
            for run in 0..<(sums.count / lanes) { for i in 0..<p { for l in 0..<lanes { sums[run * lanes + l] += d[(run * p + i) * lanes + l] } } }
        }
        return [Tensor(c: x.c, h: 1, w: 1, data: (0..<x.c).map { sums[$0] / Float(p) })]
    }
}

/// Fully connected on the flattened input, bias, activation.
struct InnerProductLayer: Layer {
    let spec: NCNNLayerSpec
    let outN: Int, weights: [Float], bias: [Float]?, activation: Activation
    func forward(_ inputs: [Tensor]) throws(NNError) -> [Tensor] {
        let x = inputs[0]
        guard weights.count == outN * x.count else { throw shapeError("weights for \(weights.count / outN) inputs, got \(x.count)") }
        var out = Tensor(c: outN, h: 1, w: 1)
        for o in 0..<outN {
            var s = bias?[o] ?? 0
            for i in 0..<x.count { s += weights[o * x.count + i] * x.data[i] }
            out.data[o] = activation.apply(s)
        }
        return [out]
    }
}

/// Scale by a per-channel vector from a second input (0=-233).
struct ScaleLayer: Layer {
    let spec: NCNNLayerSpec
    var acceptsBlocked: Bool { true }
    func forward(_ inputs: [Tensor]) throws(NNError) -> [Tensor] {
        let x = inputs[0]
        let v = inputs.count == 2 ? inputs[1].plain : Tensor(c: 0, h: 0, w: 0)
        guard inputs.count == 2, v.count == x.c else { throw shapeError("needs a \(x.c)-vector as its second input") }
        // Out of place: the input is usually shared with the graph, so writing it would copy it.
        var out = x
        let lanes = x.blocked ? Tensor.block : 1, p = x.plane, c = x.c
        out.data = [Float](unsafeUninitializedCapacity: x.data.count) { o, n in
            x.data.withUnsafeBufferPointer { s in
                for block in 0..<(x.data.count / (p * lanes)) { for i in 0..<p { for l in 0..<lanes {
                    let ch = x.blocked ? block * lanes + l : block, at = (block * p + i) * lanes + l
                    o[at] = ch < c ? s[at] * v.data[ch] : 0
                } } }
            }
            n = x.data.count
        }
        return [out]
    }
}

/// An activation on its own (ONNX Relu, LeakyRelu, Sigmoid, Clip not fused into a convolution).
struct ActivationLayer: Layer {
    let spec: NCNNLayerSpec
    let activation: Activation
    var acceptsBlocked: Bool { true }  // element by element
    func forward(_ inputs: [Tensor]) throws(NNError) -> [Tensor] {
        var t = inputs[0]
        activation.apply(&t)
        return [t]
    }
}

/// Spatial padding: a constant, the edge pixels repeated, or mirrored (without the edge).
struct PadLayer: Layer {
    enum Mode: String, Sendable { case constant, edge, reflect }
    let spec: NCNNLayerSpec
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
}

/// A box of channels × rows × columns, step 1 (ONNX Slice: negative indices count from the
/// end, ends are clamped; nil keeps the whole axis).
struct SliceLayer: Layer {
    let spec: NCNNLayerSpec
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
}
