/// Blind estimate of additive white noise: the median absolute response of a Laplacian-like
/// mask (Immerkær's, whose response to noise of σ has deviation 6σ), which edges and texture
/// barely move because the median ignores them. On the luminance of the colour planes.
public enum NoiseEstimate {
    /// σ in 8-bit levels (0…255 scale) of `image`'s colour values.
    public static func sigma(of image: Image) -> Double {
        let w = image.width, h = image.height, n = image.planeSize, cc = image.colorChannels
        guard w >= 3, h >= 3 else { return 0 }
        var luma = [Float](repeating: 0, count: n)
        image.samples.withUnsafeBufferPointer { s in
            for i in 0..<n {
                luma[i] = cc == 3 ? 0.299 * s[i] + 0.587 * s[n + i] + 0.114 * s[2 * n + i] : s[i]
            }
        }
        // Subsample rows for large images: the median needs ~10⁶ samples at most.
        let step = Swift.max(1, (w - 2) * (h - 2) / 1_000_000)
        var responses: [Float] = []
        responses.reserveCapacity((w - 2) * (h - 2) / step + 1)
        var k = 0
        for y in 1..<(h - 1) { for x in 1..<(w - 1) {
            k += 1
            if k % step != 0 { continue }
            let i = y * w + x
            let r = luma[i - w - 1] - 2 * luma[i - w] + luma[i - w + 1]
                - 2 * luma[i - 1] + 4 * luma[i] - 2 * luma[i + 1]
                + luma[i + w - 1] - 2 * luma[i + w] + luma[i + w + 1]
            responses.append(abs(r))
        } }
        guard !responses.isEmpty else { return 0 }
        let mid = responses.count / 2
        responses.sort()
        return Double(responses[mid]) * 255 / (0.6745 * 6)
    }
}
