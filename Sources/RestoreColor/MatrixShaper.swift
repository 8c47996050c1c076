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

    @inline(__always)
    private static func lookup(_ t: UnsafePointer<Float>, _ x: Float, exact curve: OpaquePointer) -> Float {
        guard x >= 0 && x <= 1 else { return cmsEvalToneCurveFloat(curve, x) }
        let u = x.squareRoot() * Float(size)
        let i = Swift.min(Int(u), size - 1)
        let f = u - Float(i)
        return t[i] + f * (t[i + 1] - t[i])
    }

    /// Transforms `count` pixels of three planes (stride `stride` floats) in place or into `out`.
    func run(_ input: UnsafePointer<Float>, inputStride: Int, _ output: UnsafeMutablePointer<Float>,
             outputStride: Int, count: Int) {
        let m0 = matrix[0], m1 = matrix[1], m2 = matrix[2], m3 = matrix[3], m4 = matrix[4]
        let m5 = matrix[5], m6 = matrix[6], m7 = matrix[7], m8 = matrix[8]
        let ic = inputCurves, oc = outputCurves
        let block = 512
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 3 * block) { lin in
            let lr = lin.baseAddress!, lg = lr + block, lb = lg + block
            tables[0].withUnsafeBufferPointer { t0 in tables[1].withUnsafeBufferPointer { t1 in
            tables[2].withUnsafeBufferPointer { t2 in tables[3].withUnsafeBufferPointer { t3 in
            tables[4].withUnsafeBufferPointer { t4 in tables[5].withUnsafeBufferPointer { t5 in
                let (a, b, c) = (t0.baseAddress!, t1.baseAddress!, t2.baseAddress!)
                let (d, e, f) = (t3.baseAddress!, t4.baseAddress!, t5.baseAddress!)
                var start = 0
                while start < count {
                    let n = Swift.min(block, count - start)
                    let r0 = input + start, g0 = r0 + inputStride, b0 = g0 + inputStride
                    // Decode into linear light, then matrix: straight-line code the compiler can schedule.
                    for i in 0..<n {
                        let r = Self.lookup(a, r0[i], exact: ic[0])
                        let g = Self.lookup(b, g0[i], exact: ic[1])
                        let bl = Self.lookup(c, b0[i], exact: ic[2])
                        lr[i] = m0 * r + m1 * g + m2 * bl
                        lg[i] = m3 * r + m4 * g + m5 * bl
                        lb[i] = m6 * r + m7 * g + m8 * bl
                    }
                    let r1 = output + start, g1 = r1 + outputStride, b1 = g1 + outputStride
                    for i in 0..<n { r1[i] = Self.lookup(d, lr[i], exact: oc[0]) }
                    for i in 0..<n { g1[i] = Self.lookup(e, lg[i], exact: oc[1]) }
                    for i in 0..<n { b1[i] = Self.lookup(f, lb[i], exact: oc[2]) }
                    start += n
                }
            } } } } } }
        }
    }
}
