// The closed sets of values a request takes. Each is `CaseIterable` with the spelling used on
// the command line and in configs as its raw value, so help texts and completions list them.

/// Output bit depth.
public enum Depth: String, Sendable, CaseIterable {
    /// The source's depth (≤ 8-bit → 8, 16 → 16, float → 32), lowered only where the output
    /// format cannot hold it, with a warning.
    case keep
    case uint8 = "8"
    /// 10-bit (DPX, packed method A).
    case uint10 = "10"
    /// 12-bit (DPX).
    case uint12 = "12"
    case uint16 = "16"
    /// IEEE half float (OpenEXR).
    case half
    /// 32-bit IEEE float (TIFF, OpenEXR).
    case float32 = "32"
}

/// Output compression. TIFF takes none, lzw, deflate (the default) and packbits; OpenEXR takes
/// none, rle, zips, zip (the default; `deflate` means it too), piz, pxr24, b44 and b44a. DPX
/// is written uncompressed. A method the output format lacks is an error.
public enum Compression: String, Sendable, CaseIterable {
    case none, lzw
    /// Deflate (zlib), with a predictor for TIFF; ZIP for OpenEXR. The default.
    case deflate
    case packbits
    /// OpenEXR: run-length.
    case rle
    /// OpenEXR: zlib over 1 scanline.
    case zips
    /// OpenEXR: zlib over 16 scanlines.
    case zip
    /// OpenEXR: wavelet, good on grainy images.
    case piz
    /// OpenEXR: lossy for float (24-bit), lossless for half.
    case pxr24
    /// OpenEXR: lossy 4×4 blocks for half.
    case b44, b44a
}

/// ICC rendering intent of the conversion into the output profile.
public enum Intent: String, Sendable, CaseIterable {
    case perceptual, relative, saturation, absolute
}

/// How a 3D LUT is interpolated between its grid points.
public enum LUTInterpolation: String, Sendable, CaseIterable {
    case tetrahedral, trilinear, nearest
}

/// How progress is shown on stderr.
public enum ProgressMode: String, Sendable, CaseIterable {
    /// A bar when stderr is a terminal, else nothing.
    case auto
    case bar
    /// One JSON object per line.
    case json
    case off
}
