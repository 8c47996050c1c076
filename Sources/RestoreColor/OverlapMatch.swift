/// Finds where a reference shows the same pixels as an image (a crop of the same frame, a still
/// of the same shot from a locked-off camera) and pairs those pixels, so that a grade can be
/// fitted to what the reference does to them instead of to their colour statistics, as
/// correspondence-based colour transfer does (HaCohen et al. 2011, "Non-rigid dense
/// correspondence with applications for image enhancement"; here the correspondence is one
/// translation).
///
/// Both pictures are RGB in the same encoding (restore-grade uses sRGB, 0…1), planar, at the
/// same scale. The search compares gradient magnitudes of luminance by normalised
/// cross-correlation, which a global grade changes little: a monotone tone curve rescales
/// gradients locally, a colour cast hardly moves them.
public enum OverlapMatch {
    /// Three planar colour planes, `width × height` each, values clamped to 0…1.
    public struct Picture: Sendable, Equatable {
        public let width: Int, height: Int
        public let planes: [Float]

        /// `planar` (three planes of `width × height`) reduced by box averaging by `factor`
        /// (`factor(longSide:)`; two pictures compare only at the same factor), values clamped
        /// to 0…1, NaN counting as 0.
        public init(planar: UnsafeBufferPointer<Float>, width: Int, height: Int, factor: Int) {
            precondition(width > 0 && height > 0 && factor >= 1 && planar.count >= 3 * width * height)
            let w = Swift.max(1, width / factor), h = Swift.max(1, height / factor)
            let fx = Swift.min(factor, width), fy = Swift.min(factor, height)
            var out = [Float](repeating: 0, count: 3 * w * h)
            let inv = 1 / Float(fx * fy)
            for c in 0..<3 {
                for y in 0..<h {
                    for x in 0..<w {
                        var s: Float = 0
                        for j in 0..<fy {
                            let row = (c * height + y * fy + j) * width + x * fx
                            for i in 0..<fx { let v = planar[row + i]; s += v.isNaN ? 0 : Swift.min(Swift.max(v, 0), 1) }
                        }
                        out[(c * h + y) * w + x] = s * inv
                    }
                }
            }
            self.width = w; self.height = h; planes = out
        }

        /// The whole factor that brings a long side of `longSide` pixels to at most `limit`.
        public static func factor(longSide: Int, limit: Int = 768) -> Int { Swift.max(1, (longSide + limit - 1) / limit) }
    }

    /// Reference pixel (x, y) shows image pixel (x + dx, y + dy).
    public struct Alignment: Sendable, Equatable {
        public let dx: Int, dy: Int
        /// Normalised cross-correlation of the two gradient-magnitude maps over the overlap, −1…1.
        public let correlation: Double
        /// The overlap's share of the image's pixels, 0…1.
        public let overlap: Double
    }

    /// The least overlap (share of the image) and correlation at which `align` trusts a match.
    public static let minimumOverlap = 0.05, minimumCorrelation = 0.9

    /// The translation at which `reference` best shows `image`'s pixels, or nil when no
    /// translation reaches `minimumCorrelation` over at least `minimumOverlap` of the image
    /// (different content, a flat picture, or pictures too small to compare). Searched
    /// exhaustively at an eighth of the scale, then refined ±8 pixels at full scale.
    public static func align(_ image: Picture, _ reference: Picture) -> Alignment? {
        let f = 8
        let a0 = gradient(image), b0 = gradient(reference)
        let a = reduce(a0, image.width, image.height, f), b = reduce(b0, reference.width, reference.height, f)
        guard a.w >= 4, a.h >= 4, b.w >= 4, b.h >= 4 else { return nil }
        let minArea = Swift.max(16, Int(minimumOverlap * Double(a.w * a.h)))
        var best: (c: Double, dx: Int, dy: Int)?
        for dy in (-b.h + 1)..<a.h {
            for dx in (-b.w + 1)..<a.w {
                guard let c = correlation(a.v, a.w, a.h, b.v, b.w, b.h, dx, dy, minArea: minArea) else { continue }
                if best == nil || c > best!.c { best = (c, dx, dy) }
            }
        }
        guard let coarse = best else { return nil }
        let fullMin = Swift.max(64, Int(minimumOverlap * Double(image.width * image.height)))
        var fine: (c: Double, dx: Int, dy: Int)?
        for ddy in -f...f {
            for ddx in -f...f {
                let dx = coarse.dx * f + ddx, dy = coarse.dy * f + ddy
                guard let c = correlation(a0, image.width, image.height, b0, reference.width, reference.height, dx, dy, minArea: fullMin) else { continue }
                if fine == nil || c > fine!.c { fine = (c, dx, dy) }
            }
        }
        guard let m = fine, m.c >= minimumCorrelation else { return nil }
        let (x0, x1, y0, y1) = window(image.width, image.height, reference.width, reference.height, m.dx, m.dy)
        return Alignment(dx: m.dx, dy: m.dy, correlation: m.c, overlap: Double((x1 - x0) * (y1 - y0)) / Double(image.width * image.height))
    }

    /// The overlap's pixels as (image colours, reference colours), each three planar planes of
    /// the same length: at most `limit` pairs, evenly spaced in scan order.
    public static func pairs(_ image: Picture, _ reference: Picture, _ m: Alignment, limit: Int = 1 << 16) -> (source: [Float], target: [Float]) {
        let (x0, x1, y0, y1) = window(image.width, image.height, reference.width, reference.height, m.dx, m.dy)
        let total = Swift.max(0, x1 - x0) * Swift.max(0, y1 - y0)
        guard total > 0 else { return ([], []) }
        let step = Swift.max(1, (total + limit - 1) / limit), n = (total + step - 1) / step
        var src = [Float](repeating: 0, count: 3 * n), dst = [Float](repeating: 0, count: 3 * n)
        let w = x1 - x0
        for k in 0..<n {
            let i = k * step, y = y0 + i / w, x = x0 + i % w
            for c in 0..<3 {
                src[c * n + k] = image.planes[(c * image.height + y + m.dy) * image.width + x + m.dx]
                dst[c * n + k] = reference.planes[(c * reference.height + y) * reference.width + x]
            }
        }
        return (src, dst)
    }

    /// The overlap in reference coordinates, x0..<x1, y0..<y1 (empty when x1 ≤ x0 or y1 ≤ y0).
    static func window(_ aw: Int, _ ah: Int, _ bw: Int, _ bh: Int, _ dx: Int, _ dy: Int) -> (Int, Int, Int, Int) {
        (Swift.max(0, -dx), Swift.min(bw, aw - dx), Swift.max(0, -dy), Swift.min(bh, ah - dy))
    }

    /// Luminance gradient magnitude (forward differences, Rec. 709 weights), one plane.
    static func gradient(_ p: Picture) -> [Float] {
        let w = p.width, h = p.height, n = w * h
        var y = [Float](repeating: 0, count: n)
        for i in 0..<n { y[i] = 0.2126 * p.planes[i] + 0.7152 * p.planes[n + i] + 0.0722 * p.planes[2 * n + i] }
        var g = [Float](repeating: 0, count: n)
        for r in 0..<h {
            for x in 0..<w {
                let i = r * w + x
                let gx = x + 1 < w ? y[i + 1] - y[i] : 0, gy = r + 1 < h ? y[i + w] - y[i] : 0
                g[i] = (gx * gx + gy * gy).squareRoot()
            }
        }
        return g
    }

    /// A plane box-averaged by `f`.
    static func reduce(_ v: [Float], _ w: Int, _ h: Int, _ f: Int) -> (v: [Float], w: Int, h: Int) {
        let rw = w / f, rh = h / f
        guard rw > 0, rh > 0 else { return ([], rw, rh) }
        var out = [Float](repeating: 0, count: rw * rh)
        for y in 0..<rh { for x in 0..<rw {
            var s: Float = 0
            for j in 0..<f { for i in 0..<f { s += v[(y * f + j) * w + x * f + i] } }
            out[y * rw + x] = s / Float(f * f)
        } }
        return (out, rw, rh)
    }

    /// The normalised cross-correlation of `a` and `b` where b's (x, y) meets a's (x + dx, y + dy),
    /// or nil when the overlap is under `minArea` pixels or either side is flat there.
    static func correlation(_ a: [Float], _ aw: Int, _ ah: Int, _ b: [Float], _ bw: Int, _ bh: Int,
                            _ dx: Int, _ dy: Int, minArea: Int) -> Double? {
        let (x0, x1, y0, y1) = window(aw, ah, bw, bh, dx, dy)
        guard x1 > x0, y1 > y0, (x1 - x0) * (y1 - y0) >= minArea else { return nil }
        var sp = 0.0, sq = 0.0, spq = 0.0, spp = 0.0, sqq = 0.0
        for y in y0..<y1 {
            let ra = (y + dy) * aw + dx, rb = y * bw
            var lp: Float = 0, lq: Float = 0, lpq: Float = 0, lpp: Float = 0, lqq: Float = 0
            for x in x0..<x1 {
                let p = a[ra + x], q = b[rb + x]
                lp += p; lq += q; lpq += p * q; lpp += p * p; lqq += q * q
            }
            sp += Double(lp); sq += Double(lq); spq += Double(lpq); spp += Double(lpp); sqq += Double(lqq)
        }
        let n = Double((x1 - x0) * (y1 - y0))
        let cov = spq - sp * sq / n, vp = spp - sp * sp / n, vq = sqq - sq * sq / n
        guard vp > 1e-9 * n, vq > 1e-9 * n else { return nil }
        return cov / (vp * vq).squareRoot()
    }
}
