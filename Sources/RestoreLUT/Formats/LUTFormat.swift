import RestoreCore

/// A LUT file format, named by its short name ("cube"). What it holds and how it is read and
/// written come from its entry in `LUTFiles.formats`.
public struct LUTFormat: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    init(_ name: String) { rawValue = name }

    public static let cube = LUTFormat("cube")
    public static let threeDL = LUTFormat("3dl")
    public static let spi1d = LUTFormat("spi1d")
    public static let spi3d = LUTFormat("spi3d")
    public static let csp = LUTFormat("csp")
    /// Hald CLUT images (PNG/TIFF), decoded by an image reader before `HaldCLUT` reads them.
    public static let hald = LUTFormat("hald")
    /// Academy/ASC Common LUT Format v3 and OpenColorIO's CTF (XML process lists).
    public static let clf = LUTFormat("clf")
    /// ASC CDL: .cdl, .cc, .ccc (XML).
    public static let cdl = LUTFormat("cdl")

    public static var allCases: [LUTFormat] { LUTFiles.formats.map { $0.format } }
    var entry: any LUTFileFormat.Type { LUTFiles.formats.first { $0.format == self }! }

    public var description: String { rawValue }
    public var extensions: [String] { entry.extensions }
    public var holds1D: Bool { entry.holds1D }
    public var holds3D: Bool { entry.holds3D }
    /// Whether an input domain other than 0…1 can be stored.
    public var holdsDomain: Bool { entry.holdsDomain }
    /// Whether any process list is stored as it is (CLF); other formats receive it baked.
    public var holdsOperations: Bool { entry.holdsOperations }
    /// Text formats are parsed here; Hald images are decoded by RestoreIO first.
    public var isImage: Bool { self == .hald }

    public static func fromExtension(of path: String) -> LUTFormat? {
        guard let ext = FileName.extension(of: path) else { return nil }
        return allCases.first { $0.extensions.contains(ext) }
    }

    static var list: String { allCases.map { "\($0.rawValue) (.\($0.extensions.joined(separator: ", .")))" }.joined(separator: ", ") }
}

/// What every LUT format provides: name, extensions, what it holds, reader and writer. One
/// type per format, listed once in `LUTFiles.formats`.
protocol LUTFileFormat: Sendable {
    static var format: LUTFormat { get }
    static var extensions: [String] { get }
    static var holds1D: Bool { get }
    static var holds3D: Bool { get }
    static var holdsDomain: Bool { get }
    static var holdsOperations: Bool { get }
    static func parse(_ text: LUTText) throws(LUTError) -> LUT
    static func write(_ lut: LUT, path: String?) throws(LUTError) -> String
}

extension LUTFileFormat {
    static var holdsOperations: Bool { false }
}

/// Reading and writing the text formats: one table. Reading tries the extension's format
/// first, then the others, and reports every format's reason when none reads the file.
/// Adding a format is one file and one line here.
public enum LUTFiles {
    static let formats: [any LUTFileFormat.Type] = [CubeFormat.self, ThreeDLFormat.self, SPI1DFormat.self, SPI3DFormat.self,
                                                    CSPFormat.self, CLFFormat.self, CDLFormat.self, HaldImageFormat.self]

    /// Parses a text LUT file; the format comes from the extension (other formats are tried
    /// when that one fails).
    public static func read(path: String) throws(LUTError) -> LUT {
        guard let format = LUTFormat.fromExtension(of: path), !format.isImage else {
            throw LUTError(path: path, reason: .unknownFormat, expected: "a LUT file: \(LUTFormat.list)")
        }
        return try parse(LUTText(path: path, bytes: try LUTText.read(path: path)), format: format)
    }

    /// Parses LUT text, as `format` first and then as every other text format (OpenColorIO's
    /// FileTransform does the same); the error of `format` is thrown, with every other
    /// format's reason.
    public static func parse(_ contents: String, format: LUTFormat, path: String?) throws(LUTError) -> LUT {
        try parse(LUTText(path: path, contents: contents), format: format)
    }

    static func parse(_ text: LUTText, format: LUTFormat) throws(LUTError) -> LUT {
        try text.checkLineLengths()
        var first: LUTError
        do { return try format.entry.parse(text) } catch { first = error }
        if format.isImage { throw first }
        for other in formats where other.format != format && !other.format.isImage {
            do { return try other.parse(text) } catch {
                let m = error.message
                first.alsoTried.append(".\(other.extensions[0]): " + (m.count > 70 ? String(m.prefix(70)) + "…" : m))
            }
        }
        throw first
    }

    /// The file text of `lut` in `format`.
    public static func serialize(_ lut: LUT, format: LUTFormat, path: String?) throws(LUTError) -> String {
        try format.entry.write(lut, path: path)
    }
}

/// Hald CLUT images in the table (extensions and capabilities); their pixels are read by an
/// image decoder and turned into a LUT by `HaldCLUT`.
enum HaldImageFormat: LUTFileFormat {
    static let format = LUTFormat.hald
    static let extensions = ["png", "tif", "tiff"]
    static let holds1D = false
    static let holds3D = true
    static let holdsDomain = false
    static func parse(_ text: LUTText) throws(LUTError) -> LUT {
        throw LUTError(path: text.path, reason: .unsupported, expected: "a text LUT (Hald images are decoded as images)")
    }
    static func write(_ lut: LUT, path: String?) throws(LUTError) -> String {
        throw LUTError(path: path, reason: .unsupported, expected: "text output (Hald images are encoded as images)")
    }
}

extension CubeFormat: LUTFileFormat {
    static let format = LUTFormat.cube
    static let extensions = ["cube"]
    static let holds1D = true, holds3D = true, holdsDomain = true
}

extension ThreeDLFormat: LUTFileFormat {
    static let format = LUTFormat.threeDL
    static let extensions = ["3dl"]
    static let holds1D = false, holds3D = true, holdsDomain = false
}

extension SPI1DFormat: LUTFileFormat {
    static let format = LUTFormat.spi1d
    static let extensions = ["spi1d"]
    static let holds1D = true, holds3D = false, holdsDomain = true
}

extension SPI3DFormat: LUTFileFormat {
    static let format = LUTFormat.spi3d
    static let extensions = ["spi3d"]
    static let holds1D = false, holds3D = true, holdsDomain = false
}

extension CSPFormat: LUTFileFormat {
    static let format = LUTFormat.csp
    static let extensions = ["csp"]
    static let holds1D = true, holds3D = true, holdsDomain = false
}
