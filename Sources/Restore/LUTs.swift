#if canImport(Glibc)
import Glibc
#endif

/// LUT files of every kind, including Hald CLUT images (decoded by RestoreIO).
public enum LUTLibrary {
    /// Loads a LUT: text formats by extension, Hald CLUTs from PNG/TIFF images.
    public static func load(path: String) throws -> LUT {
        if LUTFormat.fromExtension(of: path) == .hald {
            let image = try ImageFiles.read(path: path)
            return try HaldCLUT.lut(from: image, path: path)
        }
        return try LUTFiles.read(path: path)
    }

    /// Writes `lut` in the format of `path`'s extension, resampled to `size` when given (and
    /// reshaped for formats that hold only a cube or only a curve); atomic.
    public static func save(_ lut: LUT, to path: String, size: Int? = nil, overwrite: Bool = false) throws {
        guard let format = LUTFormat.fromExtension(of: path) else {
            throw LUTError(path: path, reason: .unknownFormat,
                           expected: "an output LUT extension: .cube, .3dl, .spi1d, .spi3d, .csp, or .png/.tif for Hald")
        }
        if format == .hald {
            let level = size.map { s -> Int in var l = 2; while l * l < s { l += 1 }; return l }
            let image = try HaldCLUT.image(from: lut, level: level, path: path)
            try ImageFiles.write(image, to: path, options: EncodeOptions(depth: .uint16), overwrite: overwrite)
            return
        }
        let shaped = LUTResample.reshape(lut, for: format, size: size)
        let text = try LUTFiles.serialize(shaped, format: format, path: path)
        try AtomicFile.write(path: path, overwrite: overwrite, failure: { kind, detail in
            LUTError(path: path, reason: .writeFailed, expected: kind == .exists ? "output exists (use --force to overwrite)" : detail)
        }) { (tmp: String) throws(LUTError) in
            guard let fp = fopen(tmp, "wb") else {
                throw LUTError(path: path, reason: .writeFailed, expected: String(cString: strerror(errno)))
            }
            var t = text
            let ok = t.withUTF8 { fwrite($0.baseAddress, 1, $0.count, fp) == $0.count }
            if fclose(fp) != 0 || !ok { throw LUTError(path: path, reason: .writeFailed, expected: "write failed (disk full?)") }
        }
    }
}

/// How `restore lut apply` and `--lut` apply a LUT.
public struct LUTApplyOptions: Sendable {
    public var interpolation: Interpolation = .tetrahedral
    /// The space the LUT was built for (built-in name or ICC path): the image is converted into
    /// it, the LUT applied, and the result converted back. Nil applies the LUT to the values
    /// as they are.
    public var space: String?
    /// 0…1: blend between the input (0) and the LUT's result (1).
    public var strength: Float = 1
    public init() {}
}

extension LUTApplyOptions {
    /// Applies `processor` to `image` in place, honouring `space` and `strength`.
    public func apply(_ processor: LUTProcessor, to image: inout Image, path: String? = nil,
                      threads: Int) throws -> [String] {
        guard image.colorChannels == 3 else {
            throw OptionError(path: path, "LUTs apply to RGB images; this one is gray (convert it with --to srgb first)")
        }
        guard let space else {
            processor.apply(to: &image, strength: strength, threads: threads)
            return []
        }
        let lutSpace = try ColorProfile.resolve(space)
        let (source, warnings) = Colorimetry.sourceProfile(of: image, path: path)
        let keptICC = image.metadata.iccProfile
        let there = try ColorTransform(from: source, to: lutSpace, intent: .relative)
        let back = try ColorTransform(from: lutSpace, to: source, intent: .relative)
        try there.apply(&image, threads: threads)
        processor.apply(to: &image, strength: strength, threads: threads)
        try back.apply(&image, threads: threads)
        image.metadata.iccProfile = keptICC
        return warnings
    }
}
