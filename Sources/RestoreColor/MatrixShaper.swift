import CLCMS2
import RestoreCore

/// A fast path for the common case — both profiles RGB matrix/TRC, perceptual / relative /
/// saturation intent, no black-point compensation — where lcms2's float pipeline is exactly
/// `curves → 3×3 matrix → 3×3 matrix → inverse curves` but evaluates `pow` per sample.
///
/// Here each curve is tabulated once on a grid uniform in √x (dense near black, where gamma
/// curves are steep) and interpolated linearly; the two matrices are folded into one. Inputs
/// outside 0…1 (float images, out-of-gamut results) are evaluated exactly by lcms2 instead.
/// Agreement with lcms2's own float transform is tested (`MatrixShaperTests`): ≤ 1.5e-4 in 0…1
/// (measured: ≤ 2e-5 for most pairs, 1.1e-4 for sRGB → Rec.2020), i.e. < 0.04 of an 8-bit level.
struct MatrixShaper: @unchecked Sendable {
    static let size = 8192
    /// Input curves (decode), then output curves (encode), each `size + 1` entries over √x.
    private let tables: [[Float]]
    private let matrix: [Float]  // row-major 3×3, source linear RGB → destination linear RGB
    private let inputCurves: [OpaquePointer]
    private let outputCurves: [OpaquePointer]  // owned (reversed copies)

    /// Nil when either profile is not an RGB matrix/TRC profile.
    init?(source: ColorProfile, destination: ColorProfile) {
        guard source.colorSpace == .rgb, destination.colorSpace == .rgb,
              cmsIsMatrixShaper(source.handle) != 0, cmsIsMatrixShaper(destination.handle) != 0,
              let m1 = Self.colorants(source.handle), let m2 = Self.colorants(destination.handle),
              let inv = Self.invert(m2) else { return nil }
        let trcTags = [cmsSigRedTRCTag, cmsSigGreenTRCTag, cmsSigBlueTRCTag]
        var ins: [OpaquePointer] = [], outs: [OpaquePointer] = []
        for tag in trcTags {
            guard let a = cmsReadTag(source.handle, tag), let b = cmsReadTag(destination.handle, tag),
                  let rev = cmsReverseToneCurve(OpaquePointer(b)) else {
                outs.forEach { cmsFreeToneCurve($0) }
                return nil
            }
            ins.append(OpaquePointer(a)); outs.append(rev)
        }
        inputCurves = ins
        outputCurves = outs
        var m = [Float](repeating: 0, count: 9)
        for r in 0..<3 { for c in 0..<3 {
            var s = 0.0
            for k in 0..<3 { s += inv[r * 3 + k] * m1[k * 3 + c] }
            m[r * 3 + c] = Float(s)
        } }
        matrix = m
        tables = (ins + outs).map { curve in
            (0...Self.size).map { i in
                let u = Float(i) / Float(Self.size)
                return cmsEvalToneCurveFloat(curve, u * u)
            }
        }
    }

    func release() { outputCurves.forEach { cmsFreeToneCurve($0) } }

    /// Colorant matrix (columns = rXYZ, gXYZ, bXYZ), row-major.
    private static func colorants(_ h: cmsHPROFILE) -> [Double]? {
        var cols: [cmsCIEXYZ] = []
        for tag in [cmsSigRedColorantTag, cmsSigGreenColorantTag, cmsSigBlueColorantTag] {
            guard let p = cmsReadTag(h, tag) else { return nil }
            cols.append(p.assumingMemoryBound(to: cmsCIEXYZ.self).pointee)
        }
        return [cols[0].X, cols[1].X, cols[2].X, cols[0].Y, cols[1].Y, cols[2].Y, cols[0].Z, cols[1].Z, cols[2].Z]
    }

    private static func invert(_ m: [Double]) -> [Double]? {
        let a = m[0], b = m[1], c = m[2], d = m[3], e = m[4], f = m[5], g = m[6], h = m[7], i = m[8]
        let det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g)
        guard abs(det) > 1e-12 else { return nil }
        return [(e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det,
                (f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det,
                (d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det]
    }

    /// Applies curve table `t` (exact curve `curve` outside 0…1) to `count` samples, `src` to
    /// `dst` (may alias). Eight lanes at a time: √x index, gathered neighbours, linear blend.
    private static func applyCurve(_ t: UnsafePointer<Float>, exact curve: OpaquePointer,
                                   _ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, count: Int) {
        let scale = SIMD8<Float>(repeating: Float(size))
        let zero = SIMD8<Float>(repeating: 0), one = SIMD8<Float>(repeating: 1)
        let top = SIMD8<Float>(repeating: Float(size) - 0.001)  // keeps k + 1 inside the table
        let half = SIMD8<Float>(repeating: 0.49999997)
        let magic = SIMD8<Float>(repeating: 12_582_912)           // 1.5 · 2^23
        let magicBits = SIMD8<Int32>(repeating: Int32(bitPattern: Float(12_582_912).bitPattern))
        var i = 0
        while i + 8 <= count {
            let x = UnsafeRawPointer(src + i).loadUnaligned(as: SIMD8<Float>.self)
            let nan = x .!= x
            let c = vmin(vmax(x, zero), one).replacing(with: zero, where: nan)  // NaN → 0 (a NaN survives vmin/vmax)
            let u = vmin(c.squareRoot() * scale, top)
            // floor(u) without per-lane conversions: adding 1.5·2^23 leaves round(u − ½) in the
            // mantissa bits, and subtracting it again gives that integer as a float.
            let shifted = (u - half) + magic
            let fl = shifted - magic
            let k = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- magicBits
            let f = u - fl
            var lo = SIMD8<Float>(), hi = SIMD8<Float>()
            for l in 0..<8 { let j = Int(k[l]); lo[l] = t[j]; hi[l] = t[j + 1] }
            var y = lo + f * (hi - lo)
            if any(x .!= c) {  // outside 0…1: exact evaluation, as lcms2 would; NaN: the curve at 0
                for l in 0..<8 where x[l] != c[l] && !x[l].isNaN { y[l] = cmsEvalToneCurveFloat(curve, x[l]) }
            }
            UnsafeMutableRawPointer(dst + i).storeBytes(of: y, as: SIMD8<Float>.self)
            i += 8
        }
        while i < count {
            let x = src[i].isNaN ? 0 : src[i]  // NaN → the curve at 0, as in the vector path
            if x >= 0 && x <= 1 {
                let u = x.squareRoot() * Float(size)
                let j = Swift.min(Int(u), size - 1)
                dst[i] = t[j] + (u - Float(j)) * (t[j + 1] - t[j])
            } else {
                dst[i] = cmsEvalToneCurveFloat(curve, x)
            }
            i += 1
        }
    }

    /// Transforms `count` pixels of three planes (`inputStride`/`outputStride` floats apart);
    /// `input` and `output` may be the same memory.
    func run(_ input: UnsafePointer<Float>, inputStride: Int, _ output: UnsafeMutablePointer<Float>,
             outputStride: Int, count: Int) {
        let m = (0..<9).map { SIMD8<Float>(repeating: matrix[$0]) }
        let ic = inputCurves, oc = outputCurves
        let block = 1024
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 3 * block) { lin in
            let lr = lin.baseAddress!, lg = lr + block, lb = lg + block
            tables[0].withUnsafeBufferPointer { t0 in tables[1].withUnsafeBufferPointer { t1 in
            tables[2].withUnsafeBufferPointer { t2 in tables[3].withUnsafeBufferPointer { t3 in
            tables[4].withUnsafeBufferPointer { t4 in tables[5].withUnsafeBufferPointer { t5 in
                var start = 0
                while start < count {
                    let n = Swift.min(block, count - start)
                    let r0 = input + start, g0 = r0 + inputStride, b0 = g0 + inputStride
                    Self.applyCurve(t0.baseAddress!, exact: ic[0], r0, lr, count: n)
                    Self.applyCurve(t1.baseAddress!, exact: ic[1], g0, lg, count: n)
                    Self.applyCurve(t2.baseAddress!, exact: ic[2], b0, lb, count: n)
                    var i = 0
                    while i < n {  // block is a multiple of 8; the tail reads scratch past n, harmlessly
                        let r = UnsafeRawPointer(lr + i).loadUnaligned(as: SIMD8<Float>.self)
                        let g = UnsafeRawPointer(lg + i).loadUnaligned(as: SIMD8<Float>.self)
                        let b = UnsafeRawPointer(lb + i).loadUnaligned(as: SIMD8<Float>.self)
                        UnsafeMutableRawPointer(lr + i).storeBytes(of: m[0] * r + m[1] * g + m[2] * b, as: SIMD8<Float>.self)
                        UnsafeMutableRawPointer(lg + i).storeBytes(of: m[3] * r + m[4] * g + m[5] * b, as: SIMD8<Float>.self)
                        UnsafeMutableRawPointer(lb + i).storeBytes(of: m[6] * r + m[7] * g + m[8] * b, as: SIMD8<Float>.self)
                        i += 8
                    }
                    let r1 = output + start, g1 = r1 + outputStride, b1 = g1 + outputStride
                    Self.applyCurve(t3.baseAddress!, exact: oc[0], lr, r1, count: n)
                    Self.applyCurve(t4.baseAddress!, exact: oc[1], lg, g1, count: n)
                    Self.applyCurve(t5.baseAddress!, exact: oc[2], lb, b1, count: n)
                    start += n
                }
            } } } } } }
        }
    }
}

@inline(__always) private func vmin(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> { a.replacing(with: b, where: b .< a) }
@inline(__always) private func vmax(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> { a.replacing(with: b, where: b .> a) }
