/// How scene-linear images (values above 1 in the network's encoding: OpenEXR, float TIFF)
/// pass through networks trained on display-referred 0…1, and come back.
///
/// An image whose finite values stay within 0…1 passes unchanged. Otherwise every value is
/// divided by the image's peak (an exposure change of the whole frame, which the networks
/// tolerate; a denoiser's noise level is divided with it), and multiplied back afterwards, so
/// the network's errors stay relative to the signal. A knee that compresses only the
/// highlights was tried and rejected: its steep inverse multiplied the network's small
/// changes near 1 by up to 33 (measured on `SceneLinearTests`' gradient to 6.0: 6.6–24%
/// error in the highlights, against 0.6% (upscale) and 1.2% (denoise σ 10) here). Negative values (out-of-gamut colour) bypass the network: they are
/// taken out before and added back after (resampled with the image on upscales). Nothing is
/// clipped.
struct HighlightShaper: Sendable {
    /// The image's maximum, 1 < peak ≤ 65504.
    let peak: Float

    /// Nil when every finite value is at most 1 (the network sees the image as it is).
    init?(samples: UnsafeBufferPointer<Float>) {
        var m: Float = 1
        for v in samples where v > m && v.isFinite { m = v }
        guard m > 1 else { return nil }
        peak = Swift.min(m, 65504)
    }

    /// Into the network's range 0…1.
    @inline(__always) func forward(_ x: Float) -> Float { Swift.min(x, peak) / peak }

    /// Back from the network's 0…1 (clipped first) to the image's range.
    @inline(__always) func inverse(_ y: Float) -> Float { Swift.min(y, 1) * peak }
}
