import Foundation

/// Separable resampling of planar Float32 images with a windowed-sinc (Lanczos-3) filter,
/// half-pixel centred, widened when shrinking so it also low-passes; at the borders the taps
/// that fall outside are dropped and the rest renormalised (as ImageMagick's -resize).
/// Used for alpha planes next to a network and for output scales the network does not have.
public enum Resample {
    /// Resizes `planes` planes of `width`×`height` (plane-major, as `Image.samples`) to
    /// `newWidth`×`newHeight`. `clampRange` clips the result (Lanczos rings slightly past the
    /// input range: alpha wants 0…1).
    public static func lanczos3(_ samples: [Float], planes: Int, width: Int, height: Int, newWidth: Int, newHeight: Int,
                                clampRange: ClosedRange<Float>? = nil, threads: Int = Parallelism.defaultThreads) -> [Float] {
        precondition(samples.count == planes * width * height, "sample count does not match the shape")
        if newWidth == width && newHeight == height { return samples }
        let hx = Taps(from: width, to: newWidth), hy = Taps(from: height, to: newHeight)
        // Horizontal pass: planes × height rows of newWidth.
        var rows = [Float](repeating: 0, count: planes * height * newWidth)
        samples.withUnsafeBufferPointer { s in rows.withUnsafeMutableBufferPointer { r in
            let src = SendableConstPointer(s.baseAddress!), dst = SendablePointer(r.baseAddress!)
            parallelFor(planes * height, threads: threads) { row in
                hx.apply(src.base + row * width, into: dst.base + row * newWidth)
            }
        } }
        // Vertical pass, one output row at a time over all columns.
        var out = [Float](repeating: 0, count: planes * newHeight * newWidth)
        rows.withUnsafeBufferPointer { s in out.withUnsafeMutableBufferPointer { o in
            let src = SendableConstPointer(s.baseAddress!), dst = SendablePointer(o.baseAddress!)
            parallelFor(planes * newHeight, threads: threads) { job in
                let p = job / newHeight, y = job % newHeight
                let d = dst.base + (p * newHeight + y) * newWidth
                let (start, count) = (hy.start[y], hy.count[y])
                for i in 0..<newWidth { d[i] = 0 }
                for k in 0..<count {
                    let wt = hy.weights[y * hy.maxTaps + k]
                    let line = src.base + (p * height + start + k) * newWidth
                    for i in 0..<newWidth { d[i] += wt * line[i] }
                }
                if let r = clampRange { for i in 0..<newWidth { d[i] = Swift.min(Swift.max(d[i], r.lowerBound), r.upperBound) } }
            }
        } }
        return out
    }

    /// Per output position: the first source index, the number of taps and their normalised
    /// weights (taps outside the image dropped).
    struct Taps: Sendable {
        var start: [Int] = [], count: [Int] = [], weights: [Float] = []
        var maxTaps = 0

        init(from n: Int, to m: Int) {
            let scale = Double(n) / Double(m)
            let support = 3 * Swift.max(1, scale)
            maxTaps = Int((2 * support).rounded(.up)) + 2
            weights = [Float](repeating: 0, count: m * maxTaps)
            for o in 0..<m {
                let centre = (Double(o) + 0.5) * scale - 0.5
                let lo = Int((centre - support).rounded(.up)), hi = Int((centre + support).rounded(.down))
                let first = Swift.max(0, Swift.min(lo, n - 1)), last = Swift.max(first, Swift.min(hi, n - 1))
                var w = [Double](repeating: 0, count: last - first + 1)
                for i in first...last { w[i - first] = Self.lanczos((Double(i) - centre) / Swift.max(1, scale)) }
                if w.reduce(0, +) == 0 { w[0] = 1 }
                let total = w.reduce(0, +)
                start.append(first); count.append(w.count)
                for (k, v) in w.enumerated() { weights[o * maxTaps + k] = Float(v / total) }
            }
        }

        static func lanczos(_ x: Double) -> Double {
            if x == 0 { return 1 }
            if abs(x) >= 3 { return 0 }
            let px = Double.pi * x
            return 3 * sin(px) * sin(px / 3) / (px * px)
        }

        /// One row: `dst[o] = Σ weights · src[start …]`.
        func apply(_ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>) {
            for o in 0..<start.count {
                var s: Float = 0
                let base = src + start[o]
                for k in 0..<count[o] { s += weights[o * maxTaps + k] * base[k] }
                dst[o] = s
            }
        }
    }
}
