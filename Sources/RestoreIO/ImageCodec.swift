import RestoreCore

/// What every image format provides: its name, extensions and magic number, what it can
/// store, and its reader and writer. Each codec is one type conforming to this, listed once
/// in `ImageFiles.codecs`.
protocol ImageCodec: Sendable {
    static var format: ImageFormat { get }
    /// File name extensions, lowercase, without the dot; the first is the usual one.
    static var extensions: [String] { get }
    /// The sample depths the writer stores, shallowest first (empty: read-only).
    static var depths: [OutputDepth] { get }
    static var storesAlpha: Bool { get }
    /// How the format records colour.
    static var colorTag: ColorTag { get }
    /// Whether `head` (the first 16 bytes of a file, or fewer) carries this format's magic number.
    static func matches(head: [UInt8]) -> Bool
    /// The header, read without decoding pixels.
    static func inspect(path: String, limits: DecodeLimits) throws(DecodeError) -> ImageInfo
    static func read(path: String, limits: DecodeLimits, threads: Int) throws(DecodeError) -> Image
    static func write(_ image: Image, to path: String, options: EncodeOptions) throws(EncodeError)
}

extension PNGCodec: ImageCodec {
    static let colorTag = ColorTag.icc
    static let format = ImageFormat.png
    static let extensions = ["png"]
    static let depths: [OutputDepth] = [.uint8, .uint16]
    static let storesAlpha = true
    static func matches(head: [UInt8]) -> Bool { head.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) }
}

extension TIFFCodec: ImageCodec {
    static let colorTag = ColorTag.icc
    static let format = ImageFormat.tiff
    static let extensions = ["tif", "tiff"]
    static let depths: [OutputDepth] = [.uint8, .uint16, .float32]
    static let storesAlpha = true
    static func matches(head: [UInt8]) -> Bool {
        head.starts(with: [0x49, 0x49, 0x2A, 0x00]) || head.starts(with: [0x4D, 0x4D, 0x00, 0x2A])
            || head.starts(with: [0x49, 0x49, 0x2B, 0x00]) || head.starts(with: [0x4D, 0x4D, 0x00, 0x2B])
    }
}

extension JPEGCodec: ImageCodec {
    static let colorTag = ColorTag.icc
    static let format = ImageFormat.jpeg
    static let extensions = ["jpg", "jpeg", "jpe"]
    static let depths: [OutputDepth] = [.uint8]
    static let storesAlpha = false
    static func matches(head: [UInt8]) -> Bool { head.starts(with: [0xFF, 0xD8, 0xFF]) }
}

extension EXRCodec: ImageCodec {
    static let colorTag = ColorTag.chromaticities
    static let format = ImageFormat.exr
    static let extensions = ["exr"]
    static let depths: [OutputDepth] = [.float16, .float32]
    static let storesAlpha = true
    static func matches(head: [UInt8]) -> Bool { head.starts(with: [0x76, 0x2F, 0x31, 0x01]) }
}

extension DPXCodec: ImageCodec {
    static let colorTag = ColorTag.spaceName
    static let format = ImageFormat.dpx
    static let extensions = ["dpx"]
    static let depths: [OutputDepth] = [.uint8, .uint10, .uint12, .uint16]
    static let storesAlpha = true
    static func matches(head: [UInt8]) -> Bool { head.starts(with: Array("SDPX".utf8)) || head.starts(with: Array("XPDS".utf8)) }
}
