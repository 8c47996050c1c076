/// How images outside 0…1 in the network's encoding (scene-linear OpenEXR and float TIFF
/// highlights, out-of-gamut negatives after a conversion) pass through networks trained on
/// display-referred 0…1, and come back.
///
/// An image whose finite values all lie within 0…1 passes unchanged. Otherwise the whole frame
/// is mapped affinely onto 0…1, `y = (x − lo) / (hi − lo)` with `lo = min(0, minimum)` and
/// `hi = max(1, maximum)`, and mapped back afterwards: an exposure change (and, with
/// negatives, a small lift of black) that the networks tolerate, so their errors stay
/// relative to the signal. A denoiser's noise level is divided by the same `hi − lo`.
/// Nothing is clipped: values come back in lo…hi.
///
/// Rejected alternatives: a C¹ log knee compressing only the highlights (measured on
/// `SceneLinearTests`' gradient to 6.0: its steep inverse multiplied the network's small
/// changes near 1 by up to 33, 6.6–24% error at 6.0, against 0.6–1.2% here); and passing
/// negatives around the network, which would return the noise below black undenoised.
struct HighlightShaper: Sendable {
    let lo: Float
    let hi: Float
    var range: Float { hi - lo }

    /// Nil when every finite value is within 0…1 (the network sees the image as it is).
    init?(samples: UnsafeBufferPointer<Float>) {
        var mn: Float = 0, mx: Float = 1
        for v in samples where v.isFinite {
            if v < mn { mn = v } else if v > mx { mx = v }
        }
        guard mn < 0 || mx > 1 else { return nil }
        lo = Swift.max(mn, -65504); hi = Swift.min(mx, 65504)
    }

    /// Into the network's range 0…1 (NaN reads as 0 before this).
    @inline(__always) func forward(_ x: Float) -> Float { (Swift.min(Swift.max(x, lo), hi) - lo) / range }

    /// Back from the network's 0…1 (clipped first) to the image's range.
    @inline(__always) func inverse(_ y: Float) -> Float { Swift.min(Swift.max(y, 0), 1) * range + lo }
}
