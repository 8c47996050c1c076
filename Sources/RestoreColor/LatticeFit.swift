/// A 3D LUT fitted to colour pairs (what a grade did to some pixels), regularised towards a
/// prior LUT where the pairs say little: the `size`³ node values L minimise, per channel,
///
///     (1/N) Σ_pairs (L(source) − target)²  +  (λ/M) Σ_nodes (L − P)²  +  (μ/M) Σ_edges (Δ(L − P))²
///
/// for N pairs, M = size³ nodes, the prior P, trilinear interpolation L(·), and the edges
/// between neighbouring nodes along each axis: colours the pairs cover follow the pairs,
/// colours they do not keep the prior's shape, and the residual from the prior stays smooth.
/// The normal equations (a sparse, symmetric positive definite system) are solved by
/// conjugate gradients.
///
/// Lattices are planar: 3 × size³ values, channel-major, within a channel red fastest
/// (`GradeParameters.lut`'s layout). Values are in whatever encoding the pairs are (sRGB 0…1 in
/// restore-grade); sources are clamped to 0…1.
public struct LatticeFit: Sendable {
    public let size: Int
    /// λ and μ above.
    public let priorWeight: Double, smoothness: Double

    public init(size: Int = 17, priorWeight: Double = 1e-3, smoothness: Double = 1e-2) {
        precondition((2...65).contains(size) && priorWeight > 0 && smoothness >= 0)
        self.size = size; self.priorWeight = priorWeight; self.smoothness = smoothness
    }

    /// The fitted lattice for `source` → `target` pairs (each three planar planes of the same
    /// length) and the `prior` lattice. No pairs give the prior.
    public func fit(source: [Float], target: [Float], prior: [Float]) -> [Float] {
        let s = size, m = s * s * s, n = source.count / 3
        precondition(source.count == target.count && source.count % 3 == 0 && prior.count == 3 * m)
        guard n > 0 else { return prior }
        // The matrix: for each node its 27 neighbours (offsets −1…1 per axis), WᵀW/N plus the
        // prior and smoothness terms; the right-hand sides Wᵀ(target − W·prior)/N per channel.
        var a = [Double](repeating: 0, count: m * 27)
        var rhs = [Double](repeating: 0, count: 3 * m)
        var corner = [Int](repeating: 0, count: 8), weight = [Double](repeating: 0, count: 8)
        let scale = Double(s - 1), invN = 1 / Double(n)
        let axisStep = [1, s, s * s]
        var frac = [Double](repeating: 0, count: 3)
        for k in 0..<n {
            var base = 0
            for c in 0..<3 {
                let x = source[c * n + k]
                let t = Double(x.isNaN ? 0 : Swift.min(Swift.max(x, 0), 1)) * scale
                let i = Swift.min(Int(t), s - 2)
                frac[c] = t - Double(i)
                base += i * axisStep[c]
            }
            for j in 0..<8 {
                let (r, g, b) = (j & 1, (j >> 1) & 1, (j >> 2) & 1)
                corner[j] = base + r + g * s + b * s * s
                weight[j] = (r == 1 ? frac[0] : 1 - frac[0]) * (g == 1 ? frac[1] : 1 - frac[1]) * (b == 1 ? frac[2] : 1 - frac[2])
            }
            for c in 0..<3 {
                var predicted = 0.0
                for j in 0..<8 { predicted += weight[j] * Double(prior[c * m + corner[j]]) }
                let residual = (Double(target[c * n + k]) - predicted) * invN
                for j in 0..<8 { rhs[c * m + corner[j]] += weight[j] * residual }
            }
            for i in 0..<8 {
                for j in 0..<8 {
                    let o = ((j & 1) - (i & 1) + 1) + (((j >> 1) & 1) - ((i >> 1) & 1) + 1) * 3 + (((j >> 2) & 1) - ((i >> 2) & 1) + 1) * 9
                    a[corner[i] * 27 + o] += weight[i] * weight[j] * invN
                }
            }
        }
        let lam = priorWeight / Double(m), mu = smoothness / Double(m)
        for node in 0..<m {
            a[node * 27 + 13] += lam
            for axis in 0..<3 {
                let v = (node / axisStep[axis]) % s, offset = axis == 0 ? 1 : axis == 1 ? 3 : 9  // in the 27-point stencil
                for d in stride(from: -1, through: 1, by: 2) where v + d >= 0 && v + d < s {
                    a[node * 27 + 13] += mu
                    a[node * 27 + 13 + d * offset] -= mu
                }
            }
        }
        var out = prior
        for c in 0..<3 {
            let r = solve(a, Array(rhs[(c * m)..<((c + 1) * m)]))
            for i in 0..<m { out[c * m + i] = prior[c * m + i] + Float(r[i]) }
        }
        return out
    }

    /// Conjugate gradients on the 27-point system `a` for `b` (at most 500 iterations, to a
    /// relative residual of 1e-10).
    func solve(_ a: [Double], _ b: [Double]) -> [Double] {
        let s = size, m = b.count
        func multiply(_ x: [Double], into y: inout [Double]) {
            for node in 0..<m {
                let r = node % s, g = (node / s) % s, bl = node / (s * s)
                var sum = 0.0
                for db in -1...1 where bl + db >= 0 && bl + db < s {
                    for dg in -1...1 where g + dg >= 0 && g + dg < s {
                        for dr in -1...1 where r + dr >= 0 && r + dr < s {
                            let o = (dr + 1) + (dg + 1) * 3 + (db + 1) * 9
                            sum += a[node * 27 + o] * x[node + dr + dg * s + db * s * s]
                        }
                    }
                }
                y[node] = sum
            }
        }
        var x = [Double](repeating: 0, count: m), r = b, p = b, ap = [Double](repeating: 0, count: m)
        var rr = r.reduce(0) { $0 + $1 * $1 }
        let stop = rr * 1e-20
        guard rr > 0 else { return x }
        for _ in 0..<500 {
            multiply(p, into: &ap)
            var pap = 0.0
            for i in 0..<m { pap += p[i] * ap[i] }
            guard pap > 0 else { break }
            let alpha = rr / pap
            for i in 0..<m { x[i] += alpha * p[i]; r[i] -= alpha * ap[i] }
            let next = r.reduce(0) { $0 + $1 * $1 }
            if next <= stop { break }
            let beta = next / rr
            rr = next
            for i in 0..<m { p[i] = r[i] + beta * p[i] }
        }
        return x
    }
}
