/// How samples were stored in the source file.
public enum SampleFormat: Sendable, Equatable, CustomStringConvertible {
    /// Unsigned integers of `bits` bits (1, 2, 4, 8, 10, 12 or 16).
    case unsigned(bits: Int)
    /// IEEE floats of `bits` bits (16: OpenEXR half, 32).
    case float(bits: Int)

    public var bits: Int {
        switch self { case .unsigned(let b), .float(let b): return b }
    }
    public var isFloat: Bool { if case .float = self { return true } else { return false } }
    /// "uint" or "float".
    public var kind: String { isFloat ? "float" : "uint" }
    public var description: String { "\(kind)\(bits)" }
}

/// What the source said about alpha.
public enum AlphaKind: String, Sendable, Equatable {
    /// No alpha channel.
    case none
    /// Straight (unassociated) alpha, as stored in PNG and TIFF `ExtraSamples = 2`.
    case straight
    /// Associated (premultiplied) alpha in the source (TIFF `ExtraSamples = 1`); the decoder
    /// divided it out, so `Image` still holds straight alpha.
    case premultiplied
    /// An extra sample of unspecified meaning (TIFF `ExtraSamples = 0`), treated as straight alpha.
    case unspecified
}

/// Pixel density. `unit` tells whether the numbers are per inch, per centimetre, or only an
/// aspect ratio.
public struct Resolution: Sendable, Equatable {
    public enum Unit: String, Sendable { case inch, centimeter, none }
    public var x: Double
    public var y: Double
    public var unit: Unit
    public init(x: Double, y: Double, unit: Unit) { self.x = x; self.y = y; self.unit = unit }

    /// Dots per inch, when the unit allows it.
    public var dpi: (x: Double, y: Double)? {
        switch unit {
        case .inch: return (x, y)
        case .centimeter: return (x * 2.54, y * 2.54)
        case .none: return nil
        }
    }
}

/// Colorimetry without an ICC profile, from which RestoreColor builds the profile it describes:
/// PNG's gAMA/cHRM/sRGB chunks, or OpenEXR's `chromaticities` (gamma 1: linear light). Values
/// are as stored (gamma is the *file* gamma, e.g. 0.45455).
public struct ColorHints: Sendable, Equatable {
    /// sRGB chunk's rendering intent, when present (the image is sRGB).
    public var srgbIntent: Int?
    /// gAMA's file gamma (encoding exponent), when present.
    public var gamma: Double?
    /// cHRM: white, red, green, blue chromaticities (x, y) — eight numbers.
    public var chromaticities: [Double]?
    public init(srgbIntent: Int? = nil, gamma: Double? = nil, chromaticities: [Double]? = nil) {
        self.srgbIntent = srgbIntent; self.gamma = gamma; self.chromaticities = chromaticities
    }
}

/// Where an image's pixels sit in a larger frame (OpenEXR's data and display windows, DPX's
/// image offsets): the pixels cover `width` × `height` from (`x`, `y`); `display` is the
/// frame (x min, y min, x max, y max, inclusive), nil when it equals the pixels' extent.
public struct PixelWindow: Sendable, Equatable {
    public var x: Int
    public var y: Int
    public var display: [Int]?
    public init(x: Int, y: Int, display: [Int]? = nil) { self.x = x; self.y = y; self.display = display }

    /// The window after the image is scaled by `factor` (an upscale).
    public func scaled(by factor: Int) -> PixelWindow {
        PixelWindow(x: x * factor, y: y * factor,
                    display: display.map { [$0[0] * factor, $0[1] * factor, ($0[2] + 1) * factor - 1, ($0[3] + 1) * factor - 1] })
    }
}

/// Everything about an image that is not pixels. Codecs fill what their format carries and
/// write back what the output format can carry.
public struct ImageMetadata: Sendable, Equatable {
    /// Embedded ICC profile bytes, unchanged.
    public var iccProfile: [UInt8]?
    /// PNG gAMA/cHRM/sRGB when there is no ICC profile.
    public var colorHints: ColorHints?
    /// Short name of the format the image was read from ("png", "tiff", "jpeg").
    public var sourceFormat: String?
    /// How samples were stored in the source.
    public var sampleFormat: SampleFormat
    public var alpha: AlphaKind
    public var resolution: Resolution?
    /// The EXIF block (a TIFF structure, without JPEG's "Exif\0\0" prefix).
    public var exif: [UInt8]?
    /// Compression name as the source stored it ("deflate", "lzw", "none", …).
    public var compression: String?
    /// Free-form layout notes ("planar", "tiled 256x256", "interlaced", "progressive").
    public var layout: [String]
    /// A built-in colour space the format names instead of an ICC profile (DPX's transfer
    /// characteristic: "cineon-log", "rec709", "linear-srgb"), by `NamedSpace` raw value. On
    /// output, the pipeline sets it to the space written, for formats that label spaces so.
    public var spaceName: String?
    /// Data and display windows (OpenEXR), kept through every stage and scaled by upscales.
    public var window: PixelWindow?
    /// Text attributes a format carries from input to output (OpenEXR string attributes,
    /// DPX header fields), by the format's own names.
    public var attributes: [String: String]

    public init(iccProfile: [UInt8]? = nil, colorHints: ColorHints? = nil, sourceFormat: String? = nil,
                sampleFormat: SampleFormat = .float(bits: 32), alpha: AlphaKind = .none,
                resolution: Resolution? = nil, exif: [UInt8]? = nil, compression: String? = nil,
                layout: [String] = [], spaceName: String? = nil, window: PixelWindow? = nil,
                attributes: [String: String] = [:]) {
        self.iccProfile = iccProfile
        self.colorHints = colorHints
        self.sourceFormat = sourceFormat
        self.sampleFormat = sampleFormat
        self.alpha = alpha
        self.resolution = resolution
        self.exif = exif
        self.compression = compression
        self.layout = layout
        self.spaceName = spaceName
        self.window = window
        self.attributes = attributes
    }
}
