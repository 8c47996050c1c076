/// How scene-linear images (values above 1 in the network's encoding: OpenEXR, float TIFF)
/// pass through networks trained on display-referred 0…1, and come back.
///
/// An image whose finite values stay at or below 1 passes unchanged. Otherwise the whole frame
/// is divided by its peak (an exposure change the networks tolerate, so their errors stay
/// relative to the signal; a denoiser's noise level is divided with it) and multiplied back
/// afterwards. Negative values never enter a network: `Model.run` takes them out before and
/// adds them back after (resampled with the image on upscales), so out-of-gamut colour
/// survives; noise below black is therefore returned as it was. Nothing is clipped.
///
/// Rejected, as measured: a C¹ log knee compressing only the highlights (on `SceneLinearTests`'
/// gradient to 6.0 its steep inverse multiplied the network's small changes near 1 by up to 33:
/// 6.6–24% error at 6.0, against 0.6–1.2% here); and an affine map that also lifted the
/// negatives into 0…1 (an Adobe RGB photo in sRGB reaches −4.2, so the network saw the frame
/// squeezed into 0.79…1 and an upscaler brightened it by 17%, `PipelineTests`).
struct HighlightShaper: Sendable {
    /// The image's maximum, 1 < peak ≤ 65504.
    let peak: Float

    /// Nil when every finite value is at most 1.
    init?(samples: UnsafeBufferPointer<Float>) {
        var m: Float = 1
        for v in samples where v > m && v.isFinite { m = v }
        guard m > 1 else { return nil }
        peak = Swift.min(m, 65504)
    }

    /// Into the network's range 0…1 (negatives and NaN are taken out before this).
    @inline(__always) func forward(_ x: Float) -> Float { Swift.min(Swift.max(x, 0), peak) / peak }

    /// Back from the network's 0…1 (clipped first) to the image's range.
    @inline(__always) func inverse(_ y: Float) -> Float { Swift.min(Swift.max(y, 0), 1) * peak }
}
