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

    public init(_ lut: LUT, interpolation: Interpolation = .tetrahedral) {
        self.interpolation = interpolation
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

    private func tetrahedral(_ t: UnsafePointer<SIMD4<Float>>, _ r: UnsafeMutablePointer<Float>, _ g: UnsafeMutablePointer<Float>,
                             _ b: UnsafeMutablePointer<Float>, stride: Int, count: Int) {
        let dr = 1, dg = size, db = size * size
        for i in 0..<count {
            let j = i * stride
            let (base, f, _) = cell(SIMD3(r[j], g[j], b[j]))
            let fr = f.x, fg = f.y, fb = f.z
            let c000 = t[base], c111 = t[base + dr + dg + db]
            // Walk from c000 to c111 along the axes in order of decreasing fraction.
            var out: SIMD4<Float>
            if fr > fg {
                if fg > fb {        // r > g > b
                    let a = t[base + dr], c = t[base + dr + dg]
                    out = c000 + fr * (a - c000) + fg * (c - a) + fb * (c111 - c)
                } else if fr > fb { // r > b ≥ g
                    let a = t[base + dr], c = t[base + dr + db]
                    out = c000 + fr * (a - c000) + fb * (c - a) + fg * (c111 - c)
                } else {            // b ≥ r > g
                    let a = t[base + db], c = t[base + dr + db]
                    out = c000 + fb * (a - c000) + fr * (c - a) + fg * (c111 - c)
                }
            } else {
                if fb > fg {        // b > g ≥ r
                    let a = t[base + db], c = t[base + dg + db]
                    out = c000 + fb * (a - c000) + fg * (c - a) + fr * (c111 - c)
                } else if fb > fr { // g ≥ b > r
                    let a = t[base + dg], c = t[base + dg + db]
                    out = c000 + fg * (a - c000) + fb * (c - a) + fr * (c111 - c)
                } else {            // g ≥ r ≥ b
                    let a = t[base + dg], c = t[base + dr + dg]
                    out = c000 + fg * (a - c000) + fr * (c - a) + fb * (c111 - c)
                }
            }
            r[j] = out.x; g[j] = out.y; b[j] = out.z
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
