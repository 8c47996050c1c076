/// Pitié's Monge–Kantorovich linear colour transfer (MKL; Pitié and Kokaram 2007): the affine
/// map `y = T (x − μ_from) + μ_to` that takes one image's colour distribution, summarised by its
/// mean and covariance, to another's, with
/// `T = A^-1/2 (A^1/2 B A^1/2)^1/2 A^-1/2` for the covariances A (from) and B (to). It is
/// the least-displacement map between the two Gaussians, so it moves colours as little as a
/// full match of mean and covariance allows.
///
/// Values are RGB in whatever encoding the statistics were taken in (restore-grade uses sRGB,
/// 0…1). A's eigenvalues are floored at `varianceFloor` before the inverse, so a flat image
/// (no variance along some direction) gets a bounded gain instead of a division by zero, and
/// the inner matrix's negative eigenvalues (rounding) count as 0. `mkl_transfer` in
/// Training/restore_training/models.py is the same computation.
public struct ColorTransfer: Sendable, Equatable {
    /// A colour distribution's mean and covariance (3 and 3×3 row-major; sample covariance,
    /// divided by count − 1), over values clamped to 0…1 with NaN as 0.
    public struct Statistics: Sendable, Equatable {
        public let mean: [Double]
        public let covariance: [Double]
        public let count: Int

        /// The statistics of `pixels` pixels of three planar colour planes (red, green, blue,
        /// each `pixels` long, at the start of `planar`).
        public init(planar: UnsafeBufferPointer<Float>, pixels: Int) {
            precondition(planar.count >= 3 * pixels)
            var sum = [Double](repeating: 0, count: 3), cross = [Double](repeating: 0, count: 9)
            var v = [Double](repeating: 0, count: 3)
            for i in 0..<pixels {
                for c in 0..<3 {
                    let x = planar[c * pixels + i]
                    v[c] = x.isNaN ? 0 : Double(Swift.min(Swift.max(x, 0), 1))
                }
                for a in 0..<3 {
                    sum[a] += v[a]
                    for b in 0..<3 { cross[3 * a + b] += v[a] * v[b] }
                }
            }
            let n = Double(Swift.max(pixels, 1))
            mean = sum.map { $0 / n }
            let m = mean
            var cov = [Double](repeating: 0, count: 9)
            for k in 0..<9 { cov[k] = (cross[k] - n * m[k / 3] * m[k % 3]) / Swift.max(n - 1, 1) }
            covariance = cov
            count = pixels
        }

        /// The statistics of a planar sample (three planes of `planar.count / 3` pixels, as
        /// `sample` gives).
        public init(planar: [Float]) {
            self = planar.withUnsafeBufferPointer { .init(planar: $0, pixels: planar.count / 3) }
        }

        /// At most `limit` pixels of an image's three planar colour planes (`pixels` per
        /// plane), evenly spaced in scan order, as three planar planes: a sample for
        /// `init(planar:pixels:)` that costs the same for any image size.
        public static func sample(_ planar: UnsafeBufferPointer<Float>, pixels: Int, limit: Int = 1 << 18) -> [Float] {
            precondition(planar.count >= 3 * pixels && limit > 0)
            let step = Swift.max(1, (pixels + limit - 1) / limit), m = (pixels + step - 1) / step
            var out = [Float](repeating: 0, count: 3 * m)
            for c in 0..<3 { for j in 0..<m { out[c * m + j] = planar[c * pixels + j * step] } }
            return out
        }
    }

    /// The smallest variance counted along any colour direction of the source (1e-5: a
    /// standard deviation of about 0.8 of an 8-bit level).
    public static let varianceFloor = 1e-5

    /// T, row-major 3×3.
    public let matrix: [Double]
    public let fromMean: [Double], toMean: [Double]

    /// The transfer that takes `from`'s distribution to `to`'s.
    public init(from: Statistics, to: Statistics) {
        let (ea, ua) = Self.eigen(from.covariance)
        let ah = Self.compose(ua, ea.map { Swift.max($0, Self.varianceFloor).squareRoot() })
        let aih = Self.compose(ua, ea.map { 1 / Swift.max($0, Self.varianceFloor).squareRoot() })
        let (ec, uc) = Self.eigen(Self.multiply(Self.multiply(ah, to.covariance), ah))
        let inner = Self.compose(uc, ec.map { Swift.max($0, 0).squareRoot() })
        matrix = Self.multiply(Self.multiply(aih, inner), aih)
        fromMean = from.mean; toMean = to.mean
    }

    /// `rgb` transferred (no clamping: the map is affine everywhere).
    public func apply(_ r: Float, _ g: Float, _ b: Float) -> (Float, Float, Float) {
        let d0: Double = Double(r) - fromMean[0], d1: Double = Double(g) - fromMean[1], d2: Double = Double(b) - fromMean[2]
        func row(_ i: Int) -> Float {
            let m = 3 * i
            let sum: Double = matrix[m] * d0 + matrix[m + 1] * d1 + matrix[m + 2] * d2
            return Float(toMean[i] + sum)
        }
        return (row(0), row(1), row(2))
    }

    static func multiply(_ a: [Double], _ b: [Double]) -> [Double] {
        var m = [Double](repeating: 0, count: 9)
        for i in 0..<3 { for j in 0..<3 { for k in 0..<3 { m[3 * i + j] += a[3 * i + k] * b[3 * k + j] } } }
        return m
    }

    /// U diag(values) Uᵀ for the eigenvectors U (columns).
    static func compose(_ u: [Double], _ values: [Double]) -> [Double] {
        var m = [Double](repeating: 0, count: 9)
        for i in 0..<3 { for j in 0..<3 { for k in 0..<3 { m[3 * i + j] += u[3 * i + k] * values[k] * u[3 * j + k] } } }
        return m
    }

    /// Eigenvalues and eigenvectors (the columns of the row-major 3×3 result) of a symmetric
    /// 3×3 matrix, by cyclic Jacobi rotations (converges in a few sweeps; at most 32).
    static func eigen(_ symmetric: [Double]) -> ([Double], [Double]) {
        var a = symmetric, v: [Double] = [1, 0, 0, 0, 1, 0, 0, 0, 1]
        for _ in 0..<32 {
            let off = a[1] * a[1] + a[2] * a[2] + a[5] * a[5]
            let scale = a[0] * a[0] + a[4] * a[4] + a[8] * a[8]
            if !(off > 1e-30 * Swift.max(scale, 1e-300)) { break }
            for (p, q) in [(0, 1), (0, 2), (1, 2)] {
                let apq = a[3 * p + q]
                guard apq != 0 else { continue }
                let theta = (a[3 * q + q] - a[3 * p + p]) / (2 * apq)
                let t = (theta >= 0 ? 1 : -1) / (Swift.abs(theta) + (theta * theta + 1).squareRoot())
                let c = 1 / (t * t + 1).squareRoot(), s = t * c
                for k in 0..<3 {  // columns p, q of A·J
                    let akp = a[3 * k + p], akq = a[3 * k + q]
                    a[3 * k + p] = c * akp - s * akq; a[3 * k + q] = s * akp + c * akq
                }
                for k in 0..<3 {  // rows p, q of Jᵀ·(A·J)
                    let apk = a[3 * p + k], aqk = a[3 * q + k]
                    a[3 * p + k] = c * apk - s * aqk; a[3 * q + k] = s * apk + c * aqk
                }
                for k in 0..<3 {
                    let vkp = v[3 * k + p], vkq = v[3 * k + q]
                    v[3 * k + p] = c * vkp - s * vkq; v[3 * k + q] = s * vkp + c * vkq
                }
            }
        }
        return ([a[0], a[4], a[8]], v)
    }
}
