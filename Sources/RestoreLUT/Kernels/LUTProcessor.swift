import RestoreCore

/// How a 3D LUT is interpolated between nodes.
public enum Interpolation: String, Sendable, CaseIterable {
    /// Four nodes per sample: the tetrahedron holding it (smoothest on the neutral axis; the
    /// default, as in OpenColorIO and Resolve).
    case tetrahedral
    /// Eight nodes per sample.
    case trilinear
    /// The closest node.
    case nearest
}

/// A LUT compiled for application: immutable, shared by all threads. Inputs outside a LUT's
/// domain are clamped to it (documented behaviour, as in OpenColorIO); 1D parts interpolate
/// linearly. An identity LUT is a no-op within 1 ulp on its nodes' grid.
public final class LUTProcessor: Sendable {
    public let interpolation: Interpolation
    /// Per channel: table, domain minimum, scale to table index.
    private let shaper: [Float]?     // 3 contiguous tables of `shaperSize` entries
    private let shaperSize: Int
    private let shaperMin: SIMD3<Float>, shaperScale: SIMD3<Float>
    private let nodes: [SIMD4<Float>]?  // cube nodes, red fastest, padded to 4 lanes
    private let size: Int
    private let cubeMin: SIMD3<Float>, cubeScale: SIMD3<Float>
    /// A process list's steps (nil for 1D/3D LUTs): LUT steps compiled, the others evaluated
    /// per pixel by `LUTOperation.evaluate`.
    private let chain: [ChainStep]?

    private enum ChainStep: Sendable {
        case compiled(LUTProcessor)
        case operation(LUTOperation)
    }

    public init(_ lut: LUT, interpolation: Interpolation = .tetrahedral) {
        self.interpolation = interpolation
        chain = lut.isProcessList ? lut.operations.map { op in
            switch op {
            case .lut1D(let l): return .compiled(LUTProcessor(LUT(oneD: l), interpolation: interpolation))
            case .lut3D(let l): return .compiled(LUTProcessor(LUT(threeD: l), interpolation: l.interpolation ?? interpolation))
            default: return .operation(op)
            }
        } : nil
        if let s = lut.oneD {
            var t = [Float](repeating: 0, count: 3 * s.size)
            for c in 0..<3 { for i in 0..<s.size { t[c * s.size + i] = s.values[3 * i + c] } }
            shaper = t
            shaperSize = s.size
            shaperMin = SIMD3(s.domainMin[0], s.domainMin[1], s.domainMin[2])
            shaperScale = SIMD3<Float>(repeating: Float(s.size - 1)) / (SIMD3(s.domainMax[0], s.domainMax[1], s.domainMax[2]) - shaperMin)
        } else {
            shaper = nil; shaperSize = 0; shaperMin = .zero; shaperScale = .one
        }
        if let c = lut.threeD {
            nodes = (0..<(c.size * c.size * c.size)).map { SIMD4(c.values[3 * $0], c.values[3 * $0 + 1], c.values[3 * $0 + 2], 0) }
            size = c.size
            cubeMin = SIMD3(c.domainMin[0], c.domainMin[1], c.domainMin[2])
            cubeScale = SIMD3<Float>(repeating: Float(c.size - 1)) / (SIMD3(c.domainMax[0], c.domainMax[1], c.domainMax[2]) - cubeMin)
        } else {
            nodes = nil; size = 0; cubeMin = .zero; cubeScale = .one
        }
    }

    /// One colour through the LUT (for tests and tools; kernels use `apply`).
    public func evaluate(_ rgb: SIMD3<Float>) -> SIMD3<Float> {
        var r = [rgb.x], g = [rgb.y], b = [rgb.z]
        r.withUnsafeMutableBufferPointer { rp in g.withUnsafeMutableBufferPointer { gp in b.withUnsafeMutableBufferPointer { bp in
            apply(rp.baseAddress!, gp.baseAddress!, bp.baseAddress!, stride: 1, count: 1)
        } } }
        return SIMD3(r[0], g[0], b[0])
    }

    /// Applies the LUT in place to `count` pixels whose red, green and blue samples are at
    /// `r[i * stride]`, `g[i * stride]`, `b[i * stride]` (planar: stride 1 and three planes;
    /// interleaved RGB: stride 3 and `r + 1`, `r + 2`).
    public func apply(_ r: UnsafeMutablePointer<Float>, _ g: UnsafeMutablePointer<Float>, _ b: UnsafeMutablePointer<Float>,
                      stride: Int, count: Int) {
        if let chain {
            for step in chain {
                switch step {
                case .compiled(let p): p.apply(r, g, b, stride: stride, count: count)
                case .operation(let op):
                    for i in 0..<count {
                        let k = i * stride
                        let v = op.evaluate(SIMD3(r[k], g[k], b[k]))
                        r[k] = v.x; g[k] = v.y; b[k] = v.z
                    }
                }
            }
            return
        }
        if let shaper {
            shaper.withUnsafeBufferPointer { t in
                let n = shaperSize
                for (c, p) in [r, g, b].enumerated() {
                    Self.apply1D(t.baseAddress! + c * n, size: n, min: shaperMin[c], scale: shaperScale[c], p, stride: stride, count: count)
                }
            }
        }
        guard let nodes else { return }
        nodes.withUnsafeBufferPointer { np in
            let t = np.baseAddress!
            switch interpolation {
            case .tetrahedral: tetrahedral(t, r, g, b, stride: stride, count: count)
            case .trilinear: trilinear(t, r, g, b, stride: stride, count: count)
            case .nearest: nearest(t, r, g, b, stride: stride, count: count)
            }
        }
    }

    @inline(__always)
    private static func apply1D(_ t: UnsafePointer<Float>, size n: Int, min lo: Float, scale: Float,
                                _ p: UnsafeMutablePointer<Float>, stride: Int, count: Int) {
        let top = Float(n - 1)
        for i in 0..<count {
            var x = (p[i * stride] - lo) * scale
            x = x > 0 ? (x < top ? x : top) : 0  // NaN → 0
            let k = Swift.min(Int(x), n - 2)
            let f = x - Float(k)
            p[i * stride] = t[k] + f * (t[k + 1] - t[k])
        }
    }

    /// Clamped grid coordinates of a pixel: integer cell corner and fractions.
    @inline(__always)
    private func cell(_ x: SIMD3<Float>) -> (base: Int, f: SIMD3<Float>, i: SIMD3<Int32>) {
        var u = (x - cubeMin) * cubeScale
        let top = SIMD3<Float>(repeating: Float(size - 1))
        let zero = SIMD3<Float>(repeating: 0)
        u = u.replacing(with: zero, where: .!(u .> zero))  // also NaN → 0
        u = u.replacing(with: top, where: u .> top)
        let i = SIMD3<Int32>(Int32(Swift.min(Int(u.x), size - 2)), Int32(Swift.min(Int(u.y), size - 2)), Int32(Swift.min(Int(u.z), size - 2)))
        let f = u - SIMD3<Float>(Float(i.x), Float(i.y), Float(i.z))
        return ((Int(i.z) * size + Int(i.y)) * size + Int(i.x), f, i)
    }

    /// Tetrahedral interpolation, eight pixels at a time: cell, fractions and the tetrahedron
    /// (the axes ordered by fraction: max, mid, min) are computed in SIMD without branches;
    /// each pixel then blends its four nodes — c000, c000+max, c000+max+mid, c111 — with
    /// weights 1−f_max, f_max−f_mid, f_mid−f_min, f_min.
    private func tetrahedral(_ t: UnsafePointer<SIMD4<Float>>, _ r: UnsafeMutablePointer<Float>, _ g: UnsafeMutablePointer<Float>,
                             _ b: UnsafeMutablePointer<Float>, stride: Int, count: Int) {
        let n = size
        let dR = SIMD8<Int32>(repeating: 1), dG = SIMD8<Int32>(repeating: Int32(n)), dB = SIMD8<Int32>(repeating: Int32(n * n))
        let d111 = 1 + n + n * n
        let lo = (SIMD8<Float>(repeating: cubeMin.x), SIMD8<Float>(repeating: cubeMin.y), SIMD8<Float>(repeating: cubeMin.z))
        let sc = (SIMD8<Float>(repeating: cubeScale.x), SIMD8<Float>(repeating: cubeScale.y), SIMD8<Float>(repeating: cubeScale.z))
        let zero = SIMD8<Float>(repeating: 0)
        let top = SIMD8<Float>(repeating: Float(n - 1))
        let cellTop = SIMD8<Float>(repeating: Float(n - 2))
        let magic = SIMD8<Float>(repeating: 12_582_912), half = SIMD8<Float>(repeating: 0.49999997)
        let magicBits = SIMD8<Int32>(repeating: Int32(bitPattern: Float(12_582_912).bitPattern))

        let d111v = SIMD8<Int32>(repeating: Int32(d111))
        let tf = UnsafeRawPointer(t).assumingMemoryBound(to: Float.self)
        var i = 0
        var xr = SIMD8<Float>(), xg = SIMD8<Float>(), xb = SIMD8<Float>()
        let stage = UnsafeMutablePointer<SIMD4<Float>>.allocate(capacity: 8)  // 16-byte aligned
        defer { stage.deallocate() }
        while i < count {
            let lanes = Swift.min(8, count - i)
            if stride == 1 && lanes == 8 {
                xr = UnsafeRawPointer(r + i).loadUnaligned(as: SIMD8<Float>.self)
                xg = UnsafeRawPointer(g + i).loadUnaligned(as: SIMD8<Float>.self)
                xb = UnsafeRawPointer(b + i).loadUnaligned(as: SIMD8<Float>.self)
            } else {
                for l in 0..<lanes { let j = (i + l) * stride; xr[l] = r[j]; xg[l] = g[j]; xb[l] = b[j] }
            }
            // Grid coordinates (clamped; NaN → 0), cell = floor via the 1.5·2^23 trick.
            var ur = (xr - lo.0) * sc.0, ug = (xg - lo.1) * sc.1, ub = (xb - lo.2) * sc.2
            ur = ur.replacing(with: zero, where: .!(ur .> zero)).replacing(with: top, where: ur .> top)
            ug = ug.replacing(with: zero, where: .!(ug .> zero)).replacing(with: top, where: ug .> top)
            ub = ub.replacing(with: zero, where: .!(ub .> zero)).replacing(with: top, where: ub .> top)
            var cr = (ur - half) + magic - magic, cg = (ug - half) + magic - magic, cb = (ub - half) + magic - magic
            cr = cr.replacing(with: cellTop, where: cr .> cellTop)
            cg = cg.replacing(with: cellTop, where: cg .> cellTop)
            cb = cb.replacing(with: cellTop, where: cb .> cellTop)
            let fr = ur - cr, fg = ug - cg, fb = ub - cb
            let ir = unsafeBitCast(cr + magic, to: SIMD8<Int32>.self) &- magicBits
            let ig = unsafeBitCast(cg + magic, to: SIMD8<Int32>.self) &- magicBits
            let ib = unsafeBitCast(cb + magic, to: SIMD8<Int32>.self) &- magicBits
            let base = ir &+ ig &* dG &+ ib &* dB
            // Order the axes by fraction (ties resolve consistently; their weights are zero).
            let rIsMax = (fr .>= fg) .& (fr .>= fb), gIsMax = .!rIsMax .& (fg .>= fb)
            let rIsMin = (fr .< fg) .& (fr .< fb), gIsMin = .!rIsMin .& (fg .< fb)
            let fMax = pmax(pmax(fr, fg), fb), fMin = pmin(pmin(fr, fg), fb)
            let fMid = fr + fg + fb - fMax - fMin
            let aIdx = base &+ dB.replacing(with: dG, where: gIsMax).replacing(with: dR, where: rIsMax)
            let bIdx = base &+ (d111v &- dB.replacing(with: dG, where: gIsMin).replacing(with: dR, where: rIsMin))
            let w0 = 1 - fMax, w1 = fMax - fMid, w2 = fMid - fMin, w3 = fMin
            // Blend each pixel's four RGB(A) nodes as 4-lane vectors (one 16-byte load and one
            // fused multiply-add per node), staged whole so the compiler keeps them vectors,
            // then scattered to the three planes.
            for l in 0..<8 {
                let b0 = Int(truncatingIfNeeded: base[l])
                stage[l] = (SIMD4(repeating: w0[l]) * t[b0])
                    .addingProduct(SIMD4(repeating: w1[l]), t[Int(truncatingIfNeeded: aIdx[l])])
                    .addingProduct(SIMD4(repeating: w2[l]), t[Int(truncatingIfNeeded: bIdx[l])])
                    .addingProduct(SIMD4(repeating: w3[l]), t[b0 &+ d111])
            }
            if stride == 1 && lanes == 8 {
                // Transpose the eight RGBX results into three 8-lane planes (shuffles, no scatter).
                let sp = UnsafeRawPointer(stage)
                let a = sp.load(as: SIMD8<Float>.self), c = sp.load(fromByteOffset: 32, as: SIMD8<Float>.self)
                let d = sp.load(fromByteOffset: 64, as: SIMD8<Float>.self), e = sp.load(fromByteOffset: 96, as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(r + i).storeBytes(of: SIMD8(a[0], a[4], c[0], c[4], d[0], d[4], e[0], e[4]), as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(g + i).storeBytes(of: SIMD8(a[1], a[5], c[1], c[5], d[1], d[5], e[1], e[5]), as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(b + i).storeBytes(of: SIMD8(a[2], a[6], c[2], c[6], d[2], d[6], e[2], e[6]), as: SIMD8<Float>.self)
            } else {
                for l in 0..<lanes {
                    let j = (i &+ l) &* stride
                    let o = stage[l]
                    r[j] = o.x; g[j] = o.y; b[j] = o.z
                }
            }
            i &+= 8
        }
    }

    private func trilinear(_ t: UnsafePointer<SIMD4<Float>>, _ r: UnsafeMutablePointer<Float>, _ g: UnsafeMutablePointer<Float>,
                           _ b: UnsafeMutablePointer<Float>, stride: Int, count: Int) {
        let dr = 1, dg = size, db = size * size
        for i in 0..<count {
            let j = i * stride
            let (base, f, _) = cell(SIMD3(r[j], g[j], b[j]))
            func lerp(_ a: SIMD4<Float>, _ c: SIMD4<Float>, _ w: Float) -> SIMD4<Float> { a + w * (c - a) }
            let c00 = lerp(t[base], t[base + dr], f.x), c10 = lerp(t[base + dg], t[base + dr + dg], f.x)
            let c01 = lerp(t[base + db], t[base + dr + db], f.x), c11 = lerp(t[base + dg + db], t[base + dr + dg + db], f.x)
            let out = lerp(lerp(c00, c10, f.y), lerp(c01, c11, f.y), f.z)
            r[j] = out.x; g[j] = out.y; b[j] = out.z
        }
    }

    private func nearest(_ t: UnsafePointer<SIMD4<Float>>, _ r: UnsafeMutablePointer<Float>, _ g: UnsafeMutablePointer<Float>,
                         _ b: UnsafeMutablePointer<Float>, stride: Int, count: Int) {
        for i in 0..<count {
            let j = i * stride
            let (_, f, c) = cell(SIMD3(r[j], g[j], b[j]))
            let x = Int(c.x) + (f.x >= 0.5 ? 1 : 0), y = Int(c.y) + (f.y >= 0.5 ? 1 : 0), z = Int(c.z) + (f.z >= 0.5 ? 1 : 0)
            let out = t[(z * size + y) * size + x]
            r[j] = out.x; g[j] = out.y; b[j] = out.z
        }
    }

    /// Applies the LUT to an RGB image's colour planes in place, on all threads; alpha is
    /// untouched. `strength` blends with the original: `in + strength · (lut(in) − in)`.
    public func apply(to image: inout Image, strength: Float = 1, threads: Int = Parallelism.defaultThreads) {
        precondition(image.colorChannels == 3, "LUTs apply to RGB images")
        let n = image.planeSize
        image.samples.withUnsafeMutableBufferPointer { buf in
            let p = SendablePointer(buf.baseAddress!)
            parallelChunks(n, grain: 1 << 14, threads: threads) { range in
                let r = p.base + range.lowerBound, g = r + n, b = g + n
                if strength == 1 {
                    self.apply(r, g, b, stride: 1, count: range.count)
                    return
                }
                withUnsafeTemporaryAllocation(of: Float.self, capacity: 3 * range.count) { tmp in
                    let t = tmp.baseAddress!, c = range.count
                    t.update(from: r, count: c); (t + c).update(from: g, count: c); (t + 2 * c).update(from: b, count: c)
                    self.apply(t, t + c, t + 2 * c, stride: 1, count: c)
                    for (k, plane) in [r, g, b].enumerated() {
                        for i in 0..<c { plane[i] += strength * (t[k * c + i] - plane[i]) }
                    }
                }
            }
        }
    }
}

@inline(__always) private func pmax(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> { a.replacing(with: b, where: b .> a) }
@inline(__always) private func pmin(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> { a.replacing(with: b, where: b .< a) }

