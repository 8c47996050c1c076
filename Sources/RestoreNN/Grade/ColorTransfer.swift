import Foundation

/// Pitié and Kokaram's linear Monge–Kantorovich (MKL) colour transfer: the affine map that
/// takes one set of colours' mean and covariance to another's, A = Σs^−½ (Σs^½ Σr Σs^½)^½ Σs^−½
/// and b = μr − A·μs. Covariances are over the pixels (divided by their count) plus `eps`·I,
/// computed in Double; `mkl` in Training/restore_training/models.py is the same.
public enum ColorTransfer {
    /// (A row-major, b) for planar RGB `source` and `reference` (3 planes of `count` pixels each).
    public static func mkl(source: ArraySlice<Float>, reference: ArraySlice<Float>, count: Int, eps: Double = 1e-4) -> (matrix: [Double], offset: [Double]) {
        func stats(_ x: ArraySlice<Float>) -> (mean: [Double], cov: [Double]) {
            let base = x.startIndex
            var m = [Double](repeating: 0, count: 3)
            for c in 0..<3 { for i in 0..<count { m[c] += Double(x[base + c * count + i]) }; m[c] /= Double(count) }
            var cov = [Double](repeating: 0, count: 9)
            for i in 0..<count {
                let d = (0..<3).map { Double(x[base + $0 * count + i]) - m[$0] }
                for r in 0..<3 { for c in 0..<3 { cov[r * 3 + c] += d[r] * d[c] } }
            }
            for k in 0..<9 { cov[k] = cov[k] / Double(count) + (k % 4 == 0 ? eps : 0) }
            return (m, cov)
        }
        let (ms, cs) = stats(source), (mr, cr) = stats(reference)
        let root = power(cs, 0.5, floor: eps), inverse = power(cs, -0.5, floor: eps)
        let a = multiply(multiply(inverse, power(multiply(multiply(root, cr), root), 0.5, floor: eps)), inverse)
        var b = mr
        for r in 0..<3 { for c in 0..<3 { b[r] -= a[r * 3 + c] * ms[c] } }
        return (a, b)
    }

    static func multiply(_ x: [Double], _ y: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: 9)
        for r in 0..<3 { for c in 0..<3 { for k in 0..<3 { out[r * 3 + c] += x[r * 3 + k] * y[k * 3 + c] } } }
        return out
    }

    /// M^e of a symmetric 3×3 matrix through its eigendecomposition (cyclic Jacobi), the
    /// eigenvalues floored at `floor` first.
    static func power(_ m: [Double], _ e: Double, floor: Double) -> [Double] {
        var a = m, v: [Double] = [1, 0, 0, 0, 1, 0, 0, 0, 1]
        for _ in 0..<50 {
            let off = a[1] * a[1] + a[2] * a[2] + a[5] * a[5]
            if off < 1e-30 { break }
            for (p, q) in [(0, 1), (0, 2), (1, 2)] where abs(a[p * 3 + q]) > 1e-300 {
                let theta = (a[q * 3 + q] - a[p * 3 + p]) / (2 * a[p * 3 + q])
                let t = (theta >= 0 ? 1 : -1) / (abs(theta) + (theta * theta + 1).squareRoot())
                let c = 1 / (t * t + 1).squareRoot(), s = t * c
                for k in 0..<3 {  // A ← A·J, then A ← Jᵀ·A; V ← V·J
                    let akp = a[k * 3 + p], akq = a[k * 3 + q]
                    a[k * 3 + p] = c * akp - s * akq; a[k * 3 + q] = s * akp + c * akq
                }
                for k in 0..<3 {
                    let apk = a[p * 3 + k], aqk = a[q * 3 + k]
                    a[p * 3 + k] = c * apk - s * aqk; a[q * 3 + k] = s * apk + c * aqk
                }
                for k in 0..<3 {
                    let vkp = v[k * 3 + p], vkq = v[k * 3 + q]
                    v[k * 3 + p] = c * vkp - s * vkq; v[k * 3 + q] = s * vkp + c * vkq
                }
            }
        }
        let w = (0..<3).map { Swift.max(a[$0 * 4], floor) }
        let f = w.map { Foundation.pow($0, e) }
        var out = [Double](repeating: 0, count: 9)
        for r in 0..<3 { for c in 0..<3 { for k in 0..<3 { out[r * 3 + c] += v[r * 3 + k] * f[k] * v[c * 3 + k] } } }
        return out
    }
}
