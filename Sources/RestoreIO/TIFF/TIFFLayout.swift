import CRestoreShims
import CTIFF
import RestoreCore

/// The parts of a TIFF directory that say how to turn its strips or tiles into pixels.
struct TIFFLayout {
    var width: Int, height: Int
    var samplesPerPixel: Int
    var bitsPerSample: Int
    var sampleFormat: SampleFormat
    var photometric: UInt16
    var planar: Bool
    var compression: UInt16
    var alpha: AlphaKind
    var colorChannels: Int
    /// Tiled: tile width/height. Stripped: width × rowsPerStrip.
    var tiled: Bool
    var chunkWidth: Int, chunkHeight: Int
    var icc: [UInt8]?
    var resolution: Resolution?

    var hasAlpha: Bool { alpha != .none }
    /// Samples the image keeps per pixel (colour + one alpha; further extra samples are dropped).
    var keptChannels: Int { colorChannels + (hasAlpha ? 1 : 0) }
    var chunksAcross: Int { (width + chunkWidth - 1) / chunkWidth }
    var chunksDown: Int { (height + chunkHeight - 1) / chunkHeight }
    var chunksPerPlane: Int { chunksAcross * chunksDown }
    var planes: Int { planar ? samplesPerPixel : 1 }
    var chunkCount: Int { chunksPerPlane * planes }

    static func compressionName(_ c: UInt16) -> String {
        switch Int32(c) {
        case COMPRESSION_NONE: return "none"
        case COMPRESSION_LZW: return "lzw"
        case COMPRESSION_ADOBE_DEFLATE, COMPRESSION_DEFLATE: return "deflate"
        case COMPRESSION_PACKBITS: return "packbits"
        case COMPRESSION_JPEG: return "jpeg"
        case COMPRESSION_OJPEG: return "old-jpeg"
        case COMPRESSION_ZSTD: return "zstd"
        case COMPRESSION_LZMA: return "lzma"
        case COMPRESSION_WEBP: return "webp"
        case COMPRESSION_CCITTFAX3, COMPRESSION_CCITTFAX4, COMPRESSION_CCITTRLE: return "ccitt"
        default: return "compression \(c)"
        }
    }

    var layoutNotes: [String] {
        var notes = [planar ? "planar" : "contiguous"]
        notes.append(tiled ? "tiled \(chunkWidth)x\(chunkHeight)" : "strips of \(chunkHeight) rows")
        return notes
    }

    /// Reads and validates the current directory of `h`.
    init(_ h: TIFFHandle, path: String, limits: DecodeLimits) throws(DecodeError) {
        func unsupported(_ what: String) -> DecodeError {
            DecodeError(path: path, format: "tiff", reason: .unsupported, detail: what)
        }
        guard let w = h.u32(TIFFTAG_IMAGEWIDTH), let ht = h.u32(TIFFTAG_IMAGELENGTH), w > 0, ht > 0 else {
            throw DecodeError(path: path, format: "tiff", reason: .corrupt, detail: "missing image dimensions")
        }
        if UInt64(w) * UInt64(ht) > limits.maxPixels {
            throw DecodeError(path: path, format: "tiff", reason: .tooLarge,
                              detail: "image too large: \(w)x\(ht) exceeds the limit of \(limits.maxPixels) pixels")
        }
        width = Int(w); height = Int(ht)
        samplesPerPixel = Int(h.u16Defaulted(TIFFTAG_SAMPLESPERPIXEL) ?? 1)
        bitsPerSample = Int(h.u16Defaulted(TIFFTAG_BITSPERSAMPLE) ?? 1)
        let fmt = h.u16Defaulted(TIFFTAG_SAMPLEFORMAT) ?? UInt16(SAMPLEFORMAT_UINT)
        compression = h.u16Defaulted(TIFFTAG_COMPRESSION) ?? UInt16(COMPRESSION_NONE)
        planar = (h.u16Defaulted(TIFFTAG_PLANARCONFIG) ?? UInt16(PLANARCONFIG_CONTIG)) == UInt16(PLANARCONFIG_SEPARATE)
        guard let pm = h.u16(TIFFTAG_PHOTOMETRIC) else {
            throw DecodeError(path: path, format: "tiff", reason: .corrupt, detail: "missing PhotometricInterpretation")
        }
        photometric = pm

        switch (Int32(fmt), bitsPerSample) {
        case (SAMPLEFORMAT_UINT, 8), (SAMPLEFORMAT_UINT, 16): sampleFormat = .unsigned(bits: bitsPerSample)
        case (SAMPLEFORMAT_IEEEFP, 32): sampleFormat = .float(bits: 32)
        case (SAMPLEFORMAT_IEEEFP, let b): throw unsupported("\(b)-bit float samples (32-bit float is read)")
        case (SAMPLEFORMAT_INT, let b): throw unsupported("\(b)-bit signed integer samples")
        case (_, let b): throw unsupported("\(b)-bit samples (8- and 16-bit unsigned and 32-bit float are read)")
        }
        if rs_tiff_codec_configured(compression) == 0 {
            throw unsupported("compression \(Self.compressionName(compression)) is not available in libtiff")
        }
        switch Int32(pm) {
        case PHOTOMETRIC_MINISBLACK, PHOTOMETRIC_MINISWHITE: colorChannels = 1
        case PHOTOMETRIC_RGB: colorChannels = 3
        case PHOTOMETRIC_PALETTE: throw unsupported("palette TIFF")
        case PHOTOMETRIC_SEPARATED: throw unsupported("CMYK (separated) TIFF")
        case PHOTOMETRIC_YCBCR: throw unsupported("YCbCr TIFF")
        default: throw unsupported("photometric interpretation \(pm)")
        }
        if samplesPerPixel > 16 {
            throw unsupported("\(samplesPerPixel) samples per pixel (at most 16)")
        }
        if samplesPerPixel < colorChannels {
            throw DecodeError(path: path, format: "tiff", reason: .corrupt,
                              detail: "\(samplesPerPixel) samples per pixel for a \(colorChannels)-channel image")
        }
        let extras = h.extraSamples()
        if samplesPerPixel > colorChannels {
            switch extras.first.map(Int32.init) {
            case EXTRASAMPLE_ASSOCALPHA: alpha = .premultiplied
            case EXTRASAMPLE_UNASSALPHA: alpha = .straight
            default: alpha = .unspecified
            }
        } else {
            alpha = .none
        }
        tiled = TIFFIsTiled(h.tif) != 0
        if tiled {
            chunkWidth = Int(h.u32(TIFFTAG_TILEWIDTH) ?? 0)
            chunkHeight = Int(h.u32(TIFFTAG_TILELENGTH) ?? 0)
            // A tile may overhang the image, but not absurdly: a hostile tile size must not
            // become a huge allocation (found by the mutation loop: tile width 2449473568).
            let area = chunkWidth * chunkHeight
            if chunkWidth <= 0 || chunkHeight <= 0 || chunkWidth > 65536 || chunkHeight > 65536
                || area > Swift.max(1 << 24, 4 * width * height) {
                throw DecodeError(path: path, format: "tiff", reason: .corrupt,
                                  detail: "implausible tile size \(chunkWidth)x\(chunkHeight) for a \(width)x\(height) image")
            }
        } else {
            chunkWidth = width
            chunkHeight = Swift.max(1, Swift.min(height, Int(h.u32Defaulted(TIFFTAG_ROWSPERSTRIP) ?? UInt32(height))))
        }
        icc = h.bytes(TIFFTAG_ICCPROFILE)
        if let xr = h.float(TIFFTAG_XRESOLUTION), let yr = h.float(TIFFTAG_YRESOLUTION), xr > 0, yr > 0 {
            let unit = h.u16Defaulted(TIFFTAG_RESOLUTIONUNIT) ?? UInt16(RESUNIT_INCH)
            resolution = Resolution(x: Double(xr), y: Double(yr),
                                    unit: unit == UInt16(RESUNIT_CENTIMETER) ? .centimeter
                                        : unit == UInt16(RESUNIT_INCH) ? .inch : .none)
        }
    }
}
