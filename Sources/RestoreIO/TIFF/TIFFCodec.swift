import CRestoreShims
import CTIFF
import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import RestoreCore

extension TIFFHandle: @unchecked Sendable {}

/// TIFF through libtiff, with per-handle error capture and no memory mapping.
///
/// Read: 8/16-bit unsigned and 32-bit float; gray (min-is-black or min-is-white) and RGB, with
/// an alpha extra sample (associated alpha is divided out on read); contiguous or planar;
/// strips or tiles; any compression libtiff was built with. Strips/tiles are decoded in
/// parallel, one libtiff handle per thread. Float values are kept as they are.
/// Write: contiguous strips, none/LZW/Deflate/PackBits (LZW and Deflate with a horizontal or
/// floating-point predictor), alpha as an unassociated ExtraSample, ICC tag, resolution.
enum TIFFCodec: Sendable {
    static func inspect(path: String, limits: DecodeLimits) throws(DecodeError) -> ImageInfo {
        var e = ""
        guard let h = TIFFHandle(path: path, mode: "rm", error: &e) else { throw openError(path, e) }
        let l = try TIFFLayout(h, path: path, limits: limits)
        return ImageInfo(format: .tiff, width: l.width, height: l.height, channels: l.keptChannels,
                         sampleFormat: l.sampleFormat, alpha: l.alpha,
                         compression: TIFFLayout.compressionName(l.compression), layout: l.layoutNotes,
                         resolution: l.resolution, iccProfile: l.icc, colorHints: nil, hasExif: false)
    }

    private static func openError(_ path: String, _ e: String) -> DecodeError {
        DecodeError(path: path, format: "tiff", reason: .corrupt, detail: e.isEmpty ? "libtiff could not open it" : e)
    }

    static func read(path: String, limits: DecodeLimits, threads: Int) throws(DecodeError) -> Image {
        var e = ""
        guard let main = TIFFHandle(path: path, mode: "rm", error: &e) else { throw openError(path, e) }
        let l = try TIFFLayout(main, path: path, limits: limits)
        let chunkBytes = Int(l.tiled ? TIFFTileSize64(main.tif) : TIFFStripSize64(main.tif))
        guard chunkBytes > 0 else {
            throw DecodeError(path: path, format: "tiff", reason: .corrupt, detail: main.lastError)
        }
        let workers = Swift.max(1, Swift.min(threads, l.chunkCount))
        let failure = FirstError()
        let bytesPerSample = l.bitsPerSample / 8
        let planeSize = l.width * l.height
        let minIsWhite = l.photometric == UInt16(PHOTOMETRIC_MINISWHITE)

        let md = ImageMetadata(iccProfile: l.icc, sourceFormat: "tiff", sampleFormat: l.sampleFormat, alpha: l.alpha,
                               resolution: l.resolution, compression: TIFFLayout.compressionName(l.compression),
                               layout: l.layoutNotes)
        var image = Image(width: l.width, height: l.height, colorChannels: l.colorChannels, hasAlpha: l.hasAlpha,
                          metadata: md) { buf in
            let dst = SendablePointer(buf.baseAddress!)
            let shared = main
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                var err = ""
                guard let h = w == 0 ? shared : TIFFHandle(path: path, mode: "rm", error: &err) else {
                    failure.record(openError(path, err)); return
                }
                let chunk = UnsafeMutableRawPointer.allocate(byteCount: chunkBytes, alignment: 64)
                defer { chunk.deallocate() }
                for i in stride(from: w, to: l.chunkCount, by: workers) {
                    let n = l.tiled ? TIFFReadEncodedTile(h.tif, UInt32(i), chunk, tmsize_t(chunkBytes))
                                    : TIFFReadEncodedStrip(h.tif, UInt32(i), chunk, tmsize_t(chunkBytes))
                    let plane = i / l.chunksPerPlane, j = i % l.chunksPerPlane
                    let x0 = (j % l.chunksAcross) * l.chunkWidth, y0 = (j / l.chunksAcross) * l.chunkHeight
                    let rows = Swift.min(l.chunkHeight, l.height - y0), cols = Swift.min(l.chunkWidth, l.width - x0)
                    let perPixel = l.planar ? 1 : l.samplesPerPixel
                    let rowElems = l.chunkWidth * perPixel
                    // A strip holds exactly its rows; a tile is always full size.
                    let needed = ((l.tiled ? l.chunkHeight : rows) * rowElems) * bytesPerSample
                    if n < needed {
                        let msg = h.lastError
                        failure.record(DecodeError(path: path, format: "tiff", reason: .corrupt,
                                                   detail: msg.isEmpty ? "\(l.tiled ? "tile" : "strip") \(i) is short" : msg))
                        return
                    }
                    if l.planar && plane >= l.keptChannels { continue }
                    let keep = l.planar ? 1 : l.keptChannels
                    let out = dst.base + (l.planar ? plane * planeSize : 0)
                    // Min-is-white gray is inverted in the integer domain, so it stays exact.
                    switch (l.sampleFormat, minIsWhite) {
                    case (.unsigned(8), false):
                        Samples.deinterleave8(chunk.assumingMemoryBound(to: UInt8.self), srcStride: rowElems, rows: rows,
                                              width: cols, channels: keep, pixelStride: perPixel, into: out,
                                              planeSize: planeSize, dstRow: y0, dstWidth: l.width, dstX: x0)
                    case (.unsigned(8), true):
                        Samples.deinterleave(chunk.assumingMemoryBound(to: UInt8.self), srcStride: rowElems, rows: rows,
                                             width: cols, channels: keep, pixelStride: perPixel, into: out,
                                             planeSize: planeSize, dstRow: y0, dstWidth: l.width, dstX: x0) { Float(255 - $0) / 255 }
                    case (.unsigned(16), false):
                        Samples.deinterleave16(chunk.assumingMemoryBound(to: UInt16.self), srcStride: rowElems, rows: rows,
                                               width: cols, channels: keep, pixelStride: perPixel, into: out,
                                               planeSize: planeSize, dstRow: y0, dstWidth: l.width, dstX: x0)
                    case (.unsigned(16), true):
                        Samples.deinterleave(chunk.assumingMemoryBound(to: UInt16.self), srcStride: rowElems, rows: rows,
                                             width: cols, channels: keep, pixelStride: perPixel, into: out,
                                             planeSize: planeSize, dstRow: y0, dstWidth: l.width, dstX: x0) { Float(65535 - $0) / 65535 }
                    default:
                        Samples.deinterleave(chunk.assumingMemoryBound(to: Float.self), srcStride: rowElems, rows: rows,
                                             width: cols, channels: keep, pixelStride: perPixel, into: out,
                                             planeSize: planeSize, dstRow: y0, dstWidth: l.width, dstX: x0) { minIsWhite ? 1 - $0 : $0 }
                    }
                }
            }
        }
        do { try failure.rethrow() } catch let e as DecodeError { throw e } catch { fatalError("unexpected \(error)") }

        if l.alpha == .premultiplied { Samples.unpremultiply(&image, threads: threads) }
        return image
    }

    static func write(_ image: Image, to path: String, options: EncodeOptions) throws(EncodeError) {
        let ch = image.channels, w = image.width, hgt = image.height
        let bps = options.depth.bits
        let rowBytes = w * ch * bps / 8
        let big = UInt64(rowBytes) * UInt64(hgt) > 3_900_000_000
        var e = ""
        guard let h = TIFFHandle(path: path, mode: big ? "w8" : "w", error: &e) else {
            throw EncodeError(path: path, reason: .cannotCreate, detail: e)
        }
        let compression: Int32
        switch options.tiffCompression {
        case .none: compression = COMPRESSION_NONE
        case .lzw: compression = COMPRESSION_LZW
        case .deflate: compression = COMPRESSION_ADOBE_DEFLATE
        case .packbits: compression = COMPRESSION_PACKBITS
        }
        h.set(TIFFTAG_IMAGEWIDTH, u32: UInt32(w))
        h.set(TIFFTAG_IMAGELENGTH, u32: UInt32(hgt))
        h.set(TIFFTAG_SAMPLESPERPIXEL, u16: UInt16(ch))
        h.set(TIFFTAG_BITSPERSAMPLE, u16: UInt16(bps))
        h.set(TIFFTAG_SAMPLEFORMAT, u16: UInt16(options.depth == .float32 ? SAMPLEFORMAT_IEEEFP : SAMPLEFORMAT_UINT))
        h.set(TIFFTAG_PHOTOMETRIC, u16: UInt16(image.colorChannels == 3 ? PHOTOMETRIC_RGB : PHOTOMETRIC_MINISBLACK))
        h.set(TIFFTAG_PLANARCONFIG, u16: UInt16(PLANARCONFIG_CONTIG))
        h.set(TIFFTAG_ORIENTATION, u16: UInt16(ORIENTATION_TOPLEFT))
        h.set(TIFFTAG_COMPRESSION, u16: UInt16(compression))
        if options.tiffCompression == .lzw || options.tiffCompression == .deflate {
            h.set(TIFFTAG_PREDICTOR, u16: UInt16(options.depth == .float32 ? PREDICTOR_FLOATINGPOINT : PREDICTOR_HORIZONTAL))
        }
        let rowsPerStrip = Swift.max(1, Swift.min(hgt, (256 << 10) / Swift.max(1, rowBytes)))
        h.set(TIFFTAG_ROWSPERSTRIP, u32: UInt32(rowsPerStrip))
        if image.hasAlpha { h.setExtraSamples([UInt16(EXTRASAMPLE_UNASSALPHA)]) }
        if let icc = image.metadata.iccProfile, !icc.isEmpty { h.set(TIFFTAG_ICCPROFILE, bytes: icc) }
        if let r = image.metadata.resolution {
            h.set(TIFFTAG_XRESOLUTION, float: Float(r.x))
            h.set(TIFFTAG_YRESOLUTION, float: Float(r.y))
            h.set(TIFFTAG_RESOLUTIONUNIT, u16: UInt16(r.unit == .inch ? RESUNIT_INCH : r.unit == .centimeter ? RESUNIT_CENTIMETER : RESUNIT_NONE))
        }
        h.set(TIFFTAG_SOFTWARE, string: "restore")

        // Strips are converted and compressed in parallel (each through its own in-memory
        // libtiff handle, so the bytes are exactly libtiff's), then written in order as raw strips.
        let strips = (hgt + rowsPerStrip - 1) / rowsPerStrip
        let batch = Swift.max(1, options.threads * 4)
        let stripBytes = rowsPerStrip * rowBytes
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: stripBytes * batch, alignment: 64)
        defer { buffer.deallocate() }
        let encoded = UnsafeMutableBufferPointer<(UnsafeMutablePointer<UInt8>?, Int)>.allocate(capacity: batch)
        defer { encoded.deallocate() }
        let results = SendablePointer(encoded.baseAddress!)
        var format = rs_tiff_strip_format()
        format.width = UInt32(w)
        format.samples_per_pixel = UInt16(ch)
        format.bits_per_sample = UInt16(bps)
        format.sample_format = UInt16(options.depth == .float32 ? SAMPLEFORMAT_IEEEFP : SAMPLEFORMAT_UINT)
        format.photometric = UInt16(image.colorChannels == 3 ? PHOTOMETRIC_RGB : PHOTOMETRIC_MINISBLACK)
        format.compression = UInt16(compression)
        format.predictor = h.u16(TIFFTAG_PREDICTOR) ?? 0
        format.extra_samples = image.hasAlpha ? 1 : 0
        let stripFormat = format
        let compress = options.tiffCompression != .none
        let planeSize = image.planeSize
        let depth = options.depth
        let failure = FirstError()
        try image.samples.withUnsafeBufferPointer { (sbuf) throws(EncodeError) in
            let src = SendableConstPointer(sbuf.baseAddress!)
            let dst = SendablePointer(buffer.assumingMemoryBound(to: UInt8.self))
            for first in stride(from: 0, to: strips, by: batch) {
                let count = Swift.min(batch, strips - first)
                parallelFor(count, threads: options.threads) { k in
                    let s = first + k
                    let y0 = s * rowsPerStrip, rows = Swift.min(rowsPerStrip, hgt - y0)
                    let out = UnsafeMutableRawPointer(dst.base + k * stripBytes)
                    switch depth {
                    case .uint8:
                        Samples.interleave8(src.base, planeSize: planeSize, width: w, channels: ch, srcRow: y0, rows: rows,
                                            into: out.assumingMemoryBound(to: UInt8.self), dstStride: w * ch)
                    case .uint16:
                        Samples.interleave16(src.base, planeSize: planeSize, width: w, channels: ch, srcRow: y0, rows: rows,
                                             into: out, dstStride: w * ch * 2, bigEndian: false)
                    default:  // .float32: `ImageFiles.write` passes only the depths TIFF lists
                        Samples.interleave(src.base, planeSize: planeSize, width: w, channels: ch, srcRow: y0, rows: rows,
                                           into: out.assumingMemoryBound(to: Float.self), dstStride: w * ch) { $0 }
                    }
                    results.base[k] = (nil, 0)
                    guard compress else { return }
                    var f = stripFormat
                    var bytes: UnsafeMutablePointer<UInt8>?
                    var length = 0
                    var errs = rs_tiff_errors()
                    if rs_tiff_encode_strip(&f, UInt32(rows), out, rows * rowBytes, &bytes, &length, &errs) == 0 {
                        results.base[k] = (bytes, length)
                    } else {
                        let text = withUnsafeBytes(of: &errs.text) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
                        failure.record(EncodeError(path: path, reason: .writeFailed, detail: "strip \(s): \(text)"))
                    }
                }
                defer { for k in 0..<count { free(results.base[k].0) } }
                do { try failure.rethrow() } catch let e as EncodeError { throw e } catch { fatalError("\(error)") }
                for k in 0..<count {
                    let s = first + k
                    let rows = Swift.min(rowsPerStrip, hgt - s * rowsPerStrip)
                    let written = compress
                        ? TIFFWriteRawStrip(h.tif, UInt32(s), results.base[k].0, tmsize_t(results.base[k].1))
                        : TIFFWriteEncodedStrip(h.tif, UInt32(s), buffer + k * stripBytes, tmsize_t(rows * rowBytes))
                    if written < 0 {
                        throw EncodeError(path: path, reason: .writeFailed, detail: h.lastError)
                    }
                }
            }
        }
        if TIFFWriteDirectory(h.tif) != 1 {
            throw EncodeError(path: path, reason: .writeFailed, detail: h.lastError)
        }
    }
}
