import RestoreCore
#if canImport(Glibc)
import Glibc
#endif

/// A file format restore reads (and perhaps writes), named by its short name ("png").
/// What it can do comes from its codec in `ImageFiles.codecs`.
public struct ImageFormat: Hashable, Sendable, CustomStringConvertible {
    /// The short name: "png", "tiff", "jpeg".
    public let rawValue: String
    init(_ name: String) { rawValue = name }

    public static let png = ImageFormat("png")
    public static let tiff = ImageFormat("tiff")
    public static let jpeg = ImageFormat("jpeg")
    public static let exr = ImageFormat("exr")
    public static let dpx = ImageFormat("dpx")

    /// Every format, in the registry's order.
    public static var allCases: [ImageFormat] { ImageFiles.codecs.map { $0.format } }

    var codec: any ImageCodec.Type { ImageFiles.codecs.first { $0.format == self }! }
    public var description: String { rawValue }
    /// File name extensions (lowercase, without the dot).
    public var extensions: [String] { codec.extensions }
    /// The sample depths the format stores, shallowest first (empty: restore only reads it).
    public var depths: [OutputDepth] { codec.depths }
    /// The deepest samples the format stores (nil: restore only reads it).
    public var deepest: OutputDepth? { codec.depths.last }
    public var storesAlpha: Bool { codec.storesAlpha }
    public var colorTag: ColorTag { codec.colorTag }
    /// Whether `head` (the first bytes of a file) carries this format's magic number.
    public func matches(head: [UInt8]) -> Bool { codec.matches(head: head) }

    /// The format named by a path's extension, if any.
    public static func fromExtension(of path: String) -> ImageFormat? {
        guard let ext = FileName.extension(of: path) else { return nil }
        return allCases.first { $0.extensions.contains(ext) }
    }
}

/// How a format records what its colour values mean.
public enum ColorTag: Sendable {
    /// An embedded ICC profile (PNG, TIFF, JPEG).
    case icc
    /// Primaries and white point; the values are linear light by convention (OpenEXR).
    case chromaticities
    /// A transfer characteristic naming a built-in space (`ImageMetadata.spaceName`: DPX).
    case spaceName
}

/// What `restore info` reports: the header of a file, read without decoding pixels.
public struct ImageInfo: Sendable, Equatable {
    public var format: ImageFormat
    public var width: Int
    public var height: Int
    /// Channels as decoded (colour + alpha).
    public var channels: Int
    public var sampleFormat: SampleFormat
    public var alpha: AlphaKind
    public var compression: String
    /// "contiguous"/"planar", "strips"/"tiled WxH", "interlaced", "progressive".
    public var layout: [String]
    public var resolution: Resolution?
    public var iccProfile: [UInt8]?
    public var colorHints: ColorHints?
    public var hasExif: Bool
}

/// Limits that protect the process from hostile headers, and which image of a multi-image
/// file to read.
public struct DecodeLimits: Sendable {
    /// Largest width × height accepted before anything is allocated (default 2^28 ≈ 268 Mpx).
    public var maxPixels: UInt64
    /// OpenEXR: the part to read (0-based; default the first).
    public var part: Int?
    /// OpenEXR: the layer to read ("diffuse" for diffuse.R/G/B/A; default the unnamed layer).
    public var layer: String?
    public init(maxPixels: UInt64 = 1 << 28, part: Int? = nil, layer: String? = nil) {
        self.maxPixels = maxPixels; self.part = part; self.layer = layer
    }
}

/// Bit depth asked of an encoder.
public enum OutputDepth: Sendable, Equatable, CaseIterable {
    case uint8, uint10, uint12, uint16
    /// IEEE half (OpenEXR): 11 significant bits, ±65504.
    case float16
    case float32

    /// The depth that keeps a source's samples: ≤ 8-bit → 8, 10 → 10, 12 → 12, 16-bit → 16,
    /// half → half, float → 32.
    public static func keeping(_ source: SampleFormat) -> OutputDepth {
        if source.isFloat { return source.bits == 16 ? .float16 : .float32 }
        switch source.bits {
        case ...8: return .uint8
        case 9...10: return .uint10
        case 11...12: return .uint12
        default: return .uint16
        }
    }
    public var bits: Int {
        switch self {
        case .uint8: return 8
        case .uint10: return 10
        case .uint12: return 12
        case .uint16, .float16: return 16
        case .float32: return 32
        }
    }
    public var isFloat: Bool { self == .float16 || self == .float32 }

    /// Whether every value of `self` survives in `other` exactly (8 → 16, 10 → 16, 8 → half,
    /// half → float, 16 → float); the pipeline widens to such a depth without a warning.
    public func fits(in other: OutputDepth) -> Bool {
        if self == other { return true }
        switch other {
        case .float32: return true
        case .float16: return !isFloat && bits <= 8
        default: return !isFloat && bits <= other.bits
        }
    }
    public var description: String { isFloat ? (self == .float16 ? "half-float" : "32-bit float") : "\(bits)-bit" }
}

/// TIFF compression schemes we write.
public enum TIFFCompression: String, Sendable, CaseIterable {
    case none, lzw, deflate, packbits
}

/// Encoder settings. Formats ignore what they cannot use.
public struct EncodeOptions: Sendable {
    public var depth: OutputDepth
    /// TIFF compression (default Deflate with a predictor).
    public var tiffCompression: TIFFCompression
    /// OpenEXR compression (default ZIP).
    public var exrCompression: EXRCompression
    /// OpenEXR: tiles of this many pixels square (16…4096) instead of scanlines.
    public var exrTile: Int? = nil
    /// JPEG quality 1…100 (default 95).
    public var jpegQuality: Int
    /// PNG zlib level 0…9 (default 6).
    public var pngCompressionLevel: Int
    public var threads: Int

    public init(depth: OutputDepth, tiffCompression: TIFFCompression = .deflate, exrCompression: EXRCompression = .zip,
                jpegQuality: Int = 95, pngCompressionLevel: Int = 6, threads: Int = Parallelism.defaultThreads) {
        self.depth = depth
        self.tiffCompression = tiffCompression
        self.exrCompression = exrCompression
        self.jpegQuality = jpegQuality
        self.pngCompressionLevel = pngCompressionLevel
        self.threads = threads
    }
}

/// The registry of image formats: one table of codecs. Reading sniffs the magic number,
/// trying the extension's format first, then the others; writing follows the extension.
/// Adding a format is one codec file and one line here.
public enum ImageFiles {
    static let codecs: [any ImageCodec.Type] = [PNGCodec.self, TIFFCodec.self, JPEGCodec.self, EXRCodec.self, DPXCodec.self]

    /// Detects the format of the file at `path` from its first bytes.
    public static func detectFormat(path: String) throws(DecodeError) -> ImageFormat {
        try codec(path: path).format
    }

    static func codec(path: String) throws(DecodeError) -> any ImageCodec.Type {
        let head = try readHead(path: path, count: 16)
        if head.isEmpty { throw DecodeError(path: path, format: nil, reason: .empty, detail: "0 bytes") }
        let byExt = ImageFormat.fromExtension(of: path)
        let ordered = codecs.filter { $0.format == byExt } + codecs.filter { $0.format != byExt }
        if let c = ordered.first(where: { $0.matches(head: head) }) { return c }
        let hex = head.prefix(8).map { String($0, radix: 16, uppercase: true) }
            .map { $0.count == 1 ? "0" + $0 : $0 }.joined(separator: " ")
        var detail = "it starts with \(hex), which is not the signature of any format restore reads (\(codecs.map { $0.format.rawValue.uppercased() }.joined(separator: ", ")))"
        if let byExt { detail += ", though the name says \(byExt.rawValue.uppercased())" }
        throw DecodeError(path: path, format: nil, reason: .unknownFormat, detail: detail)
    }

    /// Reads the header of an image file.
    public static func inspect(path: String, limits: DecodeLimits = DecodeLimits()) throws(DecodeError) -> ImageInfo {
        try codec(path: path).inspect(path: path, limits: limits)
    }

    /// Decodes an image file (format from its magic bytes).
    public static func read(path: String, limits: DecodeLimits = DecodeLimits(),
                            threads: Int = Parallelism.defaultThreads) throws(DecodeError) -> Image {
        try codec(path: path).read(path: path, limits: limits, threads: threads)
    }

    /// The format an output path asks for (by extension); it must be one restore writes.
    public static func outputFormat(path: String) throws(EncodeError) -> ImageFormat {
        guard let f = ImageFormat.fromExtension(of: path), f.deepest != nil else {
            let ext = FileName.extension(of: path)
            throw EncodeError(path: path, reason: .unknownFormat, detail: ext.map { "'.\($0)'" } ?? "(no extension)")
        }
        return f
    }

    /// Encodes `image` to `path` atomically: the data goes to a temporary file in the same
    /// folder, which is renamed over `path` only when complete. With `overwrite == false` an
    /// existing `path` is refused. On failure nothing is left behind.
    public static func write(_ image: Image, to path: String, format: ImageFormat? = nil,
                             options: EncodeOptions, overwrite: Bool = false) throws(EncodeError) {
        let fmt: ImageFormat
        if let format { fmt = format } else { fmt = try outputFormat(path: path) }
        guard fmt.depths.contains(options.depth) else {
            throw EncodeError(path: path, reason: .unsupported,
                              detail: "\(fmt.rawValue.uppercased()) stores \(fmt.depths.map(\.description).joined(separator: ", ")) samples, not \(options.depth.description)")
        }
        try AtomicFile.write(path: path, overwrite: overwrite, failure: { (kind, detail) -> EncodeError in
            switch kind {
            case .exists: return EncodeError(path: path, reason: .exists, detail: detail)
            case .cannotCreate: return EncodeError(path: path, reason: .cannotCreate, detail: detail)
            case .renameFailed: return EncodeError(path: path, reason: .writeFailed, detail: detail)
            }
        }) { (tmp: String) throws(EncodeError) in
            do throws(EncodeError) {
                try fmt.codec.write(image, to: tmp, options: options)
            } catch {
                var e = error
                e.path = path  // name the output, not its temporary file
                throw e
            }
        }
    }

    static func readHead(path: String, count: Int) throws(DecodeError) -> [UInt8] {
        var st = stat()
        if stat(path, &st) != 0 {
            throw DecodeError(path: path, format: nil, reason: .unreadable, detail: String(cString: strerror(errno)))
        }
        if let why = FileBytes.notRegular(st) {
            throw DecodeError(path: path, format: nil, reason: .unreadable, detail: why)
        }
        guard let fp = fopen(path, "rb") else {
            throw DecodeError(path: path, format: nil, reason: .unreadable, detail: String(cString: strerror(errno)))
        }
        defer { fclose(fp) }
        var head = [UInt8](repeating: 0, count: count)
        let n = fread(&head, 1, count, fp)
        return Array(head.prefix(n))
    }
}
