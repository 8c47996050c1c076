/// The LUT file formats, in one table: name, extensions, what they hold, read/write.
public enum LUTFormat: String, Sendable, CaseIterable {
    case cube, threeDL = "3dl", spi1d, spi3d, csp, hald

    public var extensions: [String] {
        switch self {
        case .cube: return ["cube"]
        case .threeDL: return ["3dl"]
        case .spi1d: return ["spi1d"]
        case .spi3d: return ["spi3d"]
        case .csp: return ["csp"]
        case .hald: return ["png", "tif", "tiff"]
        }
    }
    public var holds1D: Bool { self == .cube || self == .spi1d || self == .csp }
    public var holds3D: Bool { self != .spi1d }
    /// Whether an input domain other than 0…1 can be stored.
    public var holdsDomain: Bool { self == .cube || self == .spi1d }
    /// Text formats are parsed here; Hald images are decoded by RestoreIO first.
    public var isImage: Bool { self == .hald }

    public static func fromExtension(of path: String) -> LUTFormat? {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return nil }
        let ext = path[path.index(after: dot)...].lowercased()
        return allCases.first { $0.extensions.contains(ext) }
    }

    static var list: String { allCases.map { "\($0.rawValue) (.\($0.extensions.joined(separator: ", .")))" }.joined(separator: ", ") }
}

/// Reading and writing the text formats.
public enum LUTFiles {
    /// Parses a text LUT file; the format comes from the extension.
    public static func read(path: String) throws(LUTError) -> LUT {
        guard let format = LUTFormat.fromExtension(of: path), !format.isImage else {
            throw LUTError(path: path, reason: .unknownFormat, expected: "a LUT file: \(LUTFormat.list)")
        }
        return try parse(try LUTText.read(path: path), format: format, path: path)
    }

    /// Parses LUT text of a known format (`path` only labels errors).
    public static func parse(_ contents: String, format: LUTFormat, path: String?) throws(LUTError) -> LUT {
        let text = LUTText(path: path, contents: contents)
        switch format {
        case .cube: return try CubeFormat.parse(text)
        case .threeDL: return try ThreeDLFormat.parse(text)
        case .spi1d: return try SPI1DFormat.parse(text)
        case .spi3d: return try SPI3DFormat.parse(text)
        case .csp: return try CSPFormat.parse(text)
        case .hald: throw LUTError(path: path, reason: .unsupported, expected: "a text LUT (Hald images are decoded as images)")
        }
    }

    /// The file text of `lut` in `format`.
    public static func serialize(_ lut: LUT, format: LUTFormat, path: String?) throws(LUTError) -> String {
        switch format {
        case .cube: return try CubeFormat.write(lut, path: path)
        case .threeDL: return try ThreeDLFormat.write(lut, path: path)
        case .spi1d: return try SPI1DFormat.write(lut, path: path)
        case .spi3d: return try SPI3DFormat.write(lut, path: path)
        case .csp: return try CSPFormat.write(lut, path: path)
        case .hald: throw LUTError(path: path, reason: .unsupported, expected: "text output (Hald images are encoded as images)")
        }
    }
}
