import RestoreCore
/// Blind estimate of additive white noise: the median absolute response of a Laplacian-like
/// mask (Immerkær's, whose response to noise of σ has deviation 6σ), which edges and texture
/// barely move because the median ignores them. Per colour channel (noise is independent per
/// channel: a luma mix would hide a third of it), the median of the channels' estimates.
/// Clipping shrinks the noise (σ 50 read as 45, and as 36 on a photo with large highlights),
/// and a denoiser told too small a σ leaves noise behind. So masks touching a clipped value
/// (≤ 0 or ≥ 1) are left out, then, with that first estimate σ₁, masks whose mean lies within
/// 2σ₁ of 0 or 1, where the noise is truncated even though nothing clipped (σ 50 then reads
/// ≈ 48) — each step only while at least 5 % of the masks remain.
public enum NoiseEstimate {
    /// σ in 8-bit levels (0…255 scale) of `image`'s colour values.
    public static func sigma(of image: Image) -> Double {
        let w = image.width, h = image.height, n = image.planeSize
        guard w >= 3, h >= 3 else { return 0 }
        // Subsample for large images: the median needs ~10⁶ samples per channel at most.
        let step = Swift.max(1, (w - 2) * (h - 2) / 1_000_000)
        var estimates: [Double] = []
        image.samples.withUnsafeBufferPointer { s in
            for c in 0..<image.colorChannels {
                let p = s.baseAddress! + c * n
                var responses: [Float] = [], means: [Float] = [], clipped: [Float] = []
                responses.reserveCapacity((w - 2) * (h - 2) / step + 1)
                means.reserveCapacity((w - 2) * (h - 2) / step + 1)
                var k = 0
                for y in 1..<(h - 1) { for x in 1..<(w - 1) {
                    k += 1
                    if k % step != 0 { continue }
                    let i = y * w + x
                    var lo = Float.infinity, hi = -Float.infinity, sum: Float = 0
                    for o in stride(from: i - w, through: i + w, by: w) {
                        for d in -1...1 { lo = Swift.min(lo, p[o + d]); hi = Swift.max(hi, p[o + d]); sum += p[o + d] }
                    }
                    let r = mask(p, i, w)
                    if lo <= 0 || hi >= 1 { clipped.append(r) } else { responses.append(r); means.append(sum / 9) }
                } }
                let enough = Swift.max(64, (responses.count + clipped.count) / 20)
                if responses.count < enough { estimates.append(medianSigma(responses + clipped)); continue }
                let first = medianSigma(responses), margin = Float(2 * first / 255)
                let inner = zip(responses, means).filter { $0.1 > margin && $0.1 < 1 - margin }.map(\.0)
                estimates.append(inner.count < enough ? first : medianSigma(inner))
            }
        }
        return estimates.nthSmallest(estimates.count / 2)
    }

    /// σ (8-bit levels) from the mask's absolute responses: their median / (0.6745 · 6).
    private static func medianSigma(_ responses: [Float]) -> Double {
        var r = responses
        return sigma(fromMedian: r.nthSmallest(r.count / 2))
    }

    /// The mask's absolute response at interior index `i` of a plane of width `w`.
    @inline(__always)
    static func mask(_ p: UnsafePointer<Float>, _ i: Int, _ w: Int) -> Float {
        abs(p[i - w - 1] - 2 * p[i - w] + p[i - w + 1] - 2 * p[i - 1] + 4 * p[i] - 2 * p[i + 1]
            + p[i + w - 1] - 2 * p[i + w] + p[i + w + 1])
    }

    /// σ in 8-bit levels of white noise whose mask responses have this median absolute value.
    static func sigma(fromMedian median: Float) -> Double { Double(median) * 255 / (0.6745 * 6) }
}
