import CRestoreShims
import RestoreCore
#if canImport(Glibc)
import Glibc
#endif

/// PNG through libpng. Every libpng call runs inside the C shim (`rs_png.c`), which owns the
/// setjmp; this file only moves samples between libpng's interleaved rows and `Image`.
///
/// Read: gray, gray+alpha, RGB, RGBA, palette (+tRNS → alpha), 1/2/4/8/16-bit, interlaced.
/// iCCP is kept as ICC bytes; without iCCP, sRGB/gAMA/cHRM go to `ColorHints`; pHYs → resolution;
/// eXIf → EXIF. Write: 8 or 16 bit, iCCP, eXIf, pHYs.
enum PNGCodec: Sendable {
    private static func decode(path: String, headerOnly: Bool, limits: DecodeLimits) throws(DecodeError) -> rs_png_image {
        var img = rs_png_image()
        var err = [CChar](repeating: 0, count: 512)
        let rc = rs_png_read(path, headerOnly ? 1 : 0, limits.maxPixels, &img, &err, err.count)
        if rc != 0 {
            let msg = err.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            let reason: DecodeError.Reason = msg.hasPrefix("image too large") ? .tooLarge : .corrupt
            throw DecodeError(path: path, format: "png", reason: reason, detail: msg.isEmpty ? "libpng failed" : msg)
        }
        return img
    }

    private static func metadata(_ img: rs_png_image) -> ImageMetadata {
        var md = ImageMetadata()
        md.sourceFormat = "png"
        md.sampleFormat = .unsigned(bits: Int(img.source_bit_depth))
        let ctype = img.color_type
        let alphaInFile = ctype == 4 || ctype == 6
        md.alpha = (alphaInFile || img.has_trns != 0) ? .straight : .none
        if img.icc_len > 0, let icc = img.icc {
            md.iccProfile = Array(UnsafeBufferPointer(start: icc, count: Int(img.icc_len)))
        } else if img.srgb_intent >= 0 || img.gamma > 0 || img.has_chrm != 0 {
            var hints = ColorHints()
            if img.srgb_intent >= 0 { hints.srgbIntent = Int(img.srgb_intent) }
            if img.gamma > 0 { hints.gamma = img.gamma }
            if img.has_chrm != 0 {
                hints.chromaticities = withUnsafeBytes(of: img.chrm) { Array($0.bindMemory(to: Double.self)) }
            }
            md.colorHints = hints
        }
        if img.has_phys != 0 {
            md.resolution = img.res_unit == 1
                ? Resolution(x: Double(img.res_x) / 100, y: Double(img.res_y) / 100, unit: .centimeter)
                : Resolution(x: Double(img.res_x), y: Double(img.res_y), unit: .none)
        }
        if img.exif_len > 0, let exif = img.exif {
            md.exif = Array(UnsafeBufferPointer(start: exif, count: Int(img.exif_len)))
        }
        md.compression = "deflate"
        if img.interlaced != 0 { md.layout.append("interlaced") }
        let kinds = [0: "gray", 2: "rgb", 3: "palette", 4: "gray+alpha", 6: "rgba"]
        md.layout.append(kinds[Int(ctype)] ?? "type \(ctype)")
        return md
    }

    static func inspect(path: String, limits: DecodeLimits) throws(DecodeError) -> ImageInfo {
        var img = try decode(path: path, headerOnly: true, limits: limits)
        defer { rs_png_free(&img) }
        let md = metadata(img)
        return ImageInfo(format: .png, width: Int(img.width), height: Int(img.height), channels: Int(img.channels),
                         sampleFormat: md.sampleFormat, alpha: md.alpha, compression: "deflate",
                         layout: md.layout, resolution: md.resolution, iccProfile: md.iccProfile,
                         colorHints: md.colorHints, hasExif: md.exif != nil)
    }

    static func read(path: String, limits: DecodeLimits, threads: Int) throws(DecodeError) -> Image {
        var img = try decode(path: path, headerOnly: false, limits: limits)
        defer { rs_png_free(&img) }
        let md = metadata(img)
        let w = Int(img.width), h = Int(img.height), ch = Int(img.channels)
        let hasAlpha = ch == 2 || ch == 4
        let cc = hasAlpha ? ch - 1 : ch
        let stride = Int(img.rowbytes)
        let src = SendableConstPointer(UnsafePointer(img.pixels!))
        let sixteen = img.bit_depth == 16
        return Image(width: w, height: h, colorChannels: cc, hasAlpha: hasAlpha, metadata: md) { buf in
            let dst = SendablePointer(buf.baseAddress!)
            parallelChunks(h, grain: 64, threads: threads) { rows in
                let row0 = src.base + rows.lowerBound * stride
                if sixteen {
                    row0.withMemoryRebound(to: UInt16.self, capacity: rows.count * stride / 2) { s in
                        Samples.deinterleave16(s, srcStride: stride / 2, rows: rows.count, width: w, channels: ch,
                                               into: dst.base, planeSize: w * h, dstRow: rows.lowerBound, dstWidth: w)
                    }
                } else {
                    Samples.deinterleave8(row0, srcStride: stride, rows: rows.count, width: w, channels: ch,
                                          into: dst.base, planeSize: w * h, dstRow: rows.lowerBound, dstWidth: w)
                }
            }
        }
    }

    static func write(_ image: Image, to path: String, options: EncodeOptions) throws(EncodeError) {
        guard options.depth != .float32 else {
            throw EncodeError(path: path, reason: .unsupported, detail: "PNG stores 8 or 16 bits, not float")
        }
        let w = image.width, h = image.height, ch = image.channels
        let bytesPer = options.depth == .uint16 ? 2 : 1
        let stride = w * ch * bytesPer
        let idat = try compressedImageData(image, bytesPerSample: bytesPer, level: options.pngCompressionLevel,
                                           threads: options.threads, path: path)
        let md = image.metadata
        var err = [CChar](repeating: 0, count: 512)
        let icc = md.iccProfile ?? []
        let exif = md.exif ?? []
        var physX: UInt32 = 0, physY: UInt32 = 0, hasPhys: Int32 = 0
        if let r = md.resolution, let dpi = r.dpi {
            hasPhys = 1
            physX = UInt32((dpi.x / 0.0254).rounded()); physY = UInt32((dpi.y / 0.0254).rounded())
        }
        let rc: Int32 = idat.withUnsafeBufferPointer { px in
            icc.withUnsafeBufferPointer { iccp in
                exif.withUnsafeBufferPointer { exifp in
                    var p = rs_png_write_params()
                    p.width = UInt32(w); p.height = UInt32(h)
                    p.channels = Int32(ch); p.bit_depth = Int32(bytesPer * 8)
                    p.pixels = nil; p.rowbytes = stride
                    p.idat = px.baseAddress; p.idat_len = idat.count
                    p.icc = icc.isEmpty ? nil : iccp.baseAddress; p.icc_len = UInt32(icc.count)
                    p.icc_name = nil
                    p.exif = exif.isEmpty ? nil : exifp.baseAddress; p.exif_len = UInt32(exif.count)
                    p.has_phys = hasPhys; p.res_x = physX; p.res_y = physY
                    p.compression_level = Int32(options.pngCompressionLevel)
                    p.filters = 0x08  // PNG_FILTER_NONE, as libvips writes by default: 1.5x faster than adaptive
                    return rs_png_write(path, &p, &err, err.count)
                }
            }
        }
        if rc != 0 {
            let msg = err.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            throw EncodeError(path: path, reason: .writeFailed, detail: "libpng: \(msg)")
        }
    }

    /// The zlib stream of the image's rows, each prefixed with filter type 0 (none, as libvips
    /// writes by default), samples big-endian as PNG stores them. Row bands are compressed in
    /// parallel as raw deflate segments joined at sync-flush boundaries (the pigz technique), so
    /// the result is one ordinary zlib stream; a band is at least 1 MiB so the ratio barely moves.
    static func compressedImageData(_ image: Image, bytesPerSample: Int, level: Int, threads: Int,
                                     path: String) throws(EncodeError) -> [UInt8] {
        let w = image.width, h = image.height, ch = image.channels
        let stride = w * ch * bytesPerSample + 1
        var raw = [UInt8](repeating: 0, count: stride * h)
        let n = image.planeSize
        image.samples.withUnsafeBufferPointer { sbuf in
            let s = SendableConstPointer(sbuf.baseAddress!)
            raw.withUnsafeMutableBufferPointer { dbuf in
                let d = SendablePointer(dbuf.baseAddress!)
                parallelChunks(h, grain: 64, threads: threads) { r in
                    for y in r {
                        let row = d.base + y * stride
                        row[0] = 0
                        if bytesPerSample == 2 {
                            Samples.interleave16(s.base, planeSize: n, width: w, channels: ch, srcRow: y, rows: 1,
                                                 into: UnsafeMutableRawPointer(row + 1), dstStride: w * ch * 2, bigEndian: true)
                        } else {
                            Samples.interleave8(s.base, planeSize: n, width: w, channels: ch, srcRow: y, rows: 1,
                                                into: row + 1, dstStride: w * ch)
                        }
                    }
                }
            }
        }
        let segments = Swift.max(1, Swift.min(threads * 4, raw.count / (1 << 20)))
        let rowsPer = (h + segments - 1) / segments
        let parts = UnsafeMutableBufferPointer<(UnsafeMutablePointer<UInt8>?, Int, UInt32, Int)>.allocate(capacity: segments)
        defer { parts.deallocate() }
        let out = SendablePointer(parts.baseAddress!)
        raw.withUnsafeBufferPointer { rbuf in
            let r = SendableConstPointer(rbuf.baseAddress!)
            parallelFor(segments, threads: threads) { k in
                let y0 = Swift.min(h, k * rowsPer), y1 = Swift.min(h, y0 + rowsPer)
                let len = (y1 - y0) * stride
                var bytes: UnsafeMutablePointer<UInt8>?
                var outLen = 0
                var adler: UInt32 = 0
                let ok = rs_deflate_segment(r.base + y0 * stride, len, Int32(level), k == segments - 1 ? 1 : 0,
                                            &bytes, &outLen, &adler) == 0
                out.base[k] = ok ? (bytes, outLen, adler, len) : (nil, 0, 0, len)
            }
        }
        defer { for k in 0..<segments { free(parts[k].0) } }
        var stream: [UInt8] = [0x78, 0x9C]
        stream.reserveCapacity(2 + parts.reduce(0) { $0 + $1.1 } + 4)
        var adler: UInt32 = 1
        for k in 0..<segments {
            guard let bytes = parts[k].0 else {
                throw EncodeError(path: path, reason: .writeFailed, detail: "zlib could not compress the image data")
            }
            stream.append(contentsOf: UnsafeBufferPointer(start: bytes, count: parts[k].1))
            adler = rs_adler32_combine(adler, parts[k].2, parts[k].3)
        }
        stream += [UInt8(adler >> 24), UInt8((adler >> 16) & 0xFF), UInt8((adler >> 8) & 0xFF), UInt8(adler & 0xFF)]
        return stream
    }
}
