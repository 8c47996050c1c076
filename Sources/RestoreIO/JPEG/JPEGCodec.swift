import CRestoreShims
import RestoreCore

/// JPEG through libjpeg-turbo (all calls inside the C shim `rs_jpeg.c`, which owns the setjmp).
///
/// Read: 8-bit gray and YCbCr/RGB (CMYK is refused); ICC from APP2; EXIF from APP1.
/// **EXIF orientation is applied on read**: the pixels come out upright and the kept EXIF block
/// says Orientation = 1, so no viewer rotates them twice. Corrupt-data warnings from libjpeg
/// (for example a truncated file) are errors, so a partial image is never returned.
/// Write: 8-bit gray/RGB, quality 1…100 (4:4:4 at 90 and above), ICC, EXIF, density.
enum JPEGCodec: Sendable {
    private static func decode(path: String, headerOnly: Bool, limits: DecodeLimits) throws(DecodeError) -> rs_jpeg_image {
        var img = rs_jpeg_image()
        var err = [CChar](repeating: 0, count: 512)
        if rs_jpeg_read(path, headerOnly ? 1 : 0, limits.maxPixels, &img, &err, err.count) != 0 {
            let msg = err.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            let reason: DecodeError.Reason = msg.hasPrefix("image too large") ? .tooLarge
                : msg.hasPrefix("unsupported") ? .unsupported : .corrupt
            throw DecodeError(path: path, format: "jpeg", reason: reason, detail: msg.isEmpty ? "libjpeg failed" : msg)
        }
        return img
    }

    private static func metadata(_ img: rs_jpeg_image) -> ImageMetadata {
        var md = ImageMetadata(sourceFormat: "jpeg", sampleFormat: .unsigned(bits: 8), alpha: .none)
        if img.icc_len > 0, let icc = img.icc {
            md.iccProfile = Array(UnsafeBufferPointer(start: icc, count: Int(img.icc_len)))
        }
        if img.exif_len > 0, let exif = img.exif {
            md.exif = Array(UnsafeBufferPointer(start: exif, count: Int(img.exif_len)))
        }
        if img.density_unit == 1 || img.density_unit == 2 {
            md.resolution = Resolution(x: Double(img.x_density), y: Double(img.y_density),
                                       unit: img.density_unit == 1 ? .inch : .centimeter)
        }
        md.compression = "jpeg"
        md.layout.append(img.progressive != 0 ? "progressive" : "baseline")
        return md
    }

    static func inspect(path: String, limits: DecodeLimits) throws(DecodeError) -> ImageInfo {
        var img = try decode(path: path, headerOnly: true, limits: limits)
        defer { rs_jpeg_free(&img) }
        let md = metadata(img)
        var w = Int(img.width), h = Int(img.height)
        if let o = md.exif.flatMap(EXIF.orientation), o >= 5 { swap(&w, &h) }
        return ImageInfo(format: .jpeg, width: w, height: h, channels: Int(img.channels),
                         sampleFormat: md.sampleFormat, alpha: .none, compression: "jpeg", layout: md.layout,
                         resolution: md.resolution, iccProfile: md.iccProfile, colorHints: nil,
                         hasExif: md.exif != nil)
    }

    static func read(path: String, limits: DecodeLimits, threads: Int) throws(DecodeError) -> Image {
        var img = try decode(path: path, headerOnly: false, limits: limits)
        defer { rs_jpeg_free(&img) }
        var md = metadata(img)
        let w = Int(img.width), h = Int(img.height), ch = Int(img.channels)
        let orientation = md.exif.flatMap(EXIF.orientation) ?? 1
        if orientation != 1, let exif = md.exif { md.exif = EXIF.resettingOrientation(exif) }
        let src = SendableConstPointer(UnsafePointer(img.pixels!))
        let upright = Image(width: w, height: h, colorChannels: ch, hasAlpha: false, metadata: md) { buf in
            let dst = SendablePointer(buf.baseAddress!)
            parallelChunks(h, grain: 64, threads: threads) { rows in
                Samples.deinterleave8(src.base + rows.lowerBound * w * ch, srcStride: w * ch, rows: rows.count,
                                      width: w, channels: ch, into: dst.base, planeSize: w * h,
                                      dstRow: rows.lowerBound, dstWidth: w)
            }
        }
        return orientation == 1 ? upright : Orientation.apply(orientation, to: upright, threads: threads)
    }

    static func write(_ image: Image, to path: String, options: EncodeOptions) throws(EncodeError) {
        guard options.depth == .uint8 else {
            throw EncodeError(path: path, reason: .unsupported, detail: "JPEG stores 8 bits per sample only")
        }
        guard !image.hasAlpha else {
            throw EncodeError(path: path, reason: .unsupported, detail: "JPEG cannot store alpha")
        }
        let w = image.width, h = image.height, ch = image.colorChannels
        var px = [UInt8](repeating: 0, count: w * h * ch)
        let n = image.planeSize
        image.samples.withUnsafeBufferPointer { sbuf in
            let s = SendableConstPointer(sbuf.baseAddress!)
            px.withUnsafeMutableBufferPointer { dbuf in
                let d = SendablePointer(dbuf.baseAddress!)
                parallelChunks(h, grain: 64, threads: options.threads) { r in
                    Samples.interleave8(s.base, planeSize: n, width: w, channels: ch, srcRow: r.lowerBound,
                                        rows: r.count, into: d.base + r.lowerBound * w * ch, dstStride: w * ch)
                }
            }
        }
        let md = image.metadata
        let icc = md.iccProfile ?? [], exif = md.exif ?? []
        var err = [CChar](repeating: 0, count: 512)
        let rc: Int32 = px.withUnsafeBufferPointer { pp in
            icc.withUnsafeBufferPointer { ip in
                exif.withUnsafeBufferPointer { ep in
                    var p = rs_jpeg_write_params()
                    p.width = UInt32(w); p.height = UInt32(h); p.channels = Int32(ch)
                    p.pixels = pp.baseAddress
                    p.quality = Int32(max(1, min(100, options.jpegQuality)))
                    p.icc = icc.isEmpty ? nil : ip.baseAddress; p.icc_len = UInt32(icc.count)
                    p.exif = exif.isEmpty ? nil : ep.baseAddress; p.exif_len = UInt32(exif.count)
                    if let r = md.resolution, r.unit != .none {
                        p.density_unit = r.unit == .inch ? 1 : 2
                        p.x_density = UInt32(min(65535, max(1, r.x.rounded())))
                        p.y_density = UInt32(min(65535, max(1, r.y.rounded())))
                    }
                    return rs_jpeg_write(path, &p, &err, err.count)
                }
            }
        }
        if rc != 0 {
            let msg = err.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            throw EncodeError(path: path, reason: .writeFailed, detail: "libjpeg: \(msg)")
        }
    }
}
