#if canImport(Glibc)
import Glibc
#endif
import RestoreCore
import RestoreIO
import RestoreLUT

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
                           expected: "an output LUT extension: .cube, .3dl, .spi1d, .spi3d, .csp, .clf, .ctf, .cc, .ccc, .cdl, or .png/.tif for Hald")
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

extension LUTLibrary {
    /// `restore lut convert`: reads `input`, writes it as `output`'s format, resampled to
    /// `size` (3D: 2…256 points per axis; .spi1d: up to 65536 entries) when given. Never
    /// writes the input.
    public static func convert(_ input: String, to output: String, size: Int? = nil, overwrite: Bool = false) throws {
        if let s = size {
            let maxSize = LUTFormat.fromExtension(of: output) == .spi1d ? 65536 : 256
            guard (2...maxSize).contains(s) else { throw OptionError("--size must be from 2 to \(maxSize), got \(s)") }
        }
        try PathSafety.checkDistinct(input: input, output: output)
        try save(try load(path: input), to: output, size: size, overwrite: overwrite)
    }
}
