// The closed sets of values a request takes. Each is `CaseIterable` with the spelling used on
// the command line and in configs as its raw value, so help texts and completions list them.

/// Output bit depth.
public enum Depth: String, Sendable, CaseIterable {
    /// The source's depth (≤ 8-bit → 8, 16 → 16, float → 32), lowered only where the output
    /// format cannot hold it, with a warning.
    case keep
    case uint8 = "8"
    case uint16 = "16"
    /// 32-bit IEEE float (TIFF).
    case float32 = "32"
}

/// TIFF compression.
public enum Compression: String, Sendable, CaseIterable {
    case none, lzw
    /// Deflate (zlib) with a horizontal predictor, the default.
    case deflate
    case packbits
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
