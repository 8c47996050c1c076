import RestoreCore
#if canImport(Glibc)
import Glibc
#endif

/// DPX (SMPTE 268M), written in Swift: there is no DPX library in Debian.
///
/// Read: the first image element; RGB (descriptor 50), RGBA (51), luma (6) and a single
/// component (1–4, as oiiotool writes gray) as gray; 8, 10, 12 and 16
/// bits; 10- and 12-bit filled by method A (padding in the low bits, as FFmpeg and most
/// scanners write) or method B, or packed bit-continuous into 32-bit words (oiiotool's 12-bit); both byte orders; uncompressed
/// only (RLE is refused). Lines start on 32-bit boundaries. Code values map to 0…1 by
/// v / (2^bits − 1), exactly. The transfer characteristic names the space: printing density
/// (1) and logarithmic (3) → `cineon-log`; linear (2) → `linear-srgb`; BT.709 (6) and SMPTE
/// 274M (5) → `rec709`; others leave the image untagged (sRGB by default).
///
/// Write: big-endian, RGB/RGBA/luma, 8, 10 (method A), 12 (method A) and 16 bits, the transfer
/// characteristic of the written space, and the source's orientation offsets and film/TV
/// header fields (frame position, time code, slate, …) from `metadata.attributes`.
enum DPXCodec: Sendable {
    static let maxFileBytes = 4 << 30

    /// The header from the file's first bytes (`bytes`), checked against the file's size.
    static func header(_ path: String, bytes: [UInt8], fileSize: Int, limits: DecodeLimits) throws(DecodeError) -> DPXHeader {
        func bad(_ r: DecodeError.Reason, _ s: String) -> DecodeError { DecodeError(path: path, format: "dpx", reason: r, detail: s) }
        var h: DPXHeader
        do { h = try DPXHeader(bytes: bytes) } catch { var e = error; e.path = path; throw e }
        guard let ch = h.channels else { throw bad(.unsupported, "image descriptor \(h.descriptor); restore reads RGB (50), RGBA (51), luma (6) and single components (1–4)") }
        guard [8, 10, 12, 16].contains(h.bitDepth) else { throw bad(.unsupported, "\(h.bitDepth)-bit samples; restore reads 8, 10, 12 and 16") }
        guard h.encoding == 0 else { throw bad(.unsupported, "run-length encoded; restore reads uncompressed DPX") }
        guard h.packing <= 2 else { throw bad(.unsupported, "packing \(h.packing) of \(h.bitDepth)-bit samples") }
        guard h.width > 0, h.height > 0 else { throw bad(.corrupt, "image size \(h.width) × \(h.height)") }
        guard UInt64(h.width) * UInt64(h.height) <= limits.maxPixels else {
            throw bad(.tooLarge, "\(h.width) × \(h.height) pixels exceed the limit of \(limits.maxPixels)")
        }
        let stride = lineBytes(h, channels: ch)
        let start = h.elementOffset > 0 ? h.elementOffset : h.dataOffset
        let need = UInt64(start) + UInt64(stride) * UInt64(h.height)
        guard start >= 1664, need <= UInt64(fileSize) else {
            throw bad(.corrupt, "the pixels need \(need) bytes from offset \(start), the file has \(fileSize)")
        }
        return h
    }

    /// Bytes per line: the samples, rounded up to a 32-bit word, plus the line padding.
    static func lineBytes(_ h: DPXHeader, channels: Int) -> Int {
        let samples = h.width * channels
        let bytes: Int
        switch (h.bitDepth, h.packing) {
        case (10, 0), (12, 0): bytes = (samples * h.bitDepth + 31) / 32 * 4
        case (10, _): bytes = (samples + 2) / 3 * 4
        case (8, _): bytes = samples
        default: bytes = samples * 2
        }
        return (bytes + 3) / 4 * 4 + h.endOfLinePadding
    }

    static func load(_ path: String) throws(DecodeError) -> [UInt8] {
        switch FileBytes.read(path, limit: maxFileBytes) {
        case .success(let b): return b
        case .failure(let f): throw DecodeError(path: path, format: "dpx", reason: .unreadable, detail: f.reason)
        }
    }

    /// Where sample `sample` of a line sits in its 32-bit word (10-bit, filled). Colour
    /// images put the first sample in the top bits (R in 31…22 for method A); single-component
    /// (luma) images put it in the bottom, as FFmpeg and OpenImageIO read and write them.
    @inline(__always)
    static func shift10(sample: Int, packing: Int, channels: Int) -> UInt32 {
        let k = sample % 3
        let pad = packing == 1 ? 2 : 0
        return UInt32(channels == 1 ? pad + 10 * k : pad + 10 * (2 - k))
    }

    static func spaceName(transfer: Int) -> String? {
        switch transfer {
        case 1, 3: return "cineon-log"
        case 2: return "linear-srgb"
        case 5, 6: return "rec709"
        default: return nil
        }
    }

    static func transfer(spaceName: String?) -> Int {
        switch spaceName {
        case "cineon-log": return 1
        case "linear-srgb": return 2
        case "rec709": return 6
        default: return 0  // user-defined
        }
    }

    static func metadata(_ h: DPXHeader, channels: Int) -> ImageMetadata {
        var layout = ["\(h.bigEndian ? "big" : "little")-endian"]
        if h.bitDepth == 10 || h.bitDepth == 12 { layout.append(["packed", "filled (method A)", "filled (method B)"][h.packing]) }
        layout.append("transfer \(h.transfer), colorimetric \(h.colorimetric)")
        var md = ImageMetadata(sourceFormat: "dpx", sampleFormat: .unsigned(bits: h.bitDepth), alpha: channels == 4 ? .straight : .none,
                               compression: "none", layout: layout, spaceName: spaceName(transfer: h.transfer))
        if h.xOffset != 0 || h.yOffset != 0 { md.window = PixelWindow(x: h.xOffset, y: h.yOffset) }
        md.attributes = h.fields
        return md
    }

    static func inspect(path: String, limits: DecodeLimits) throws(DecodeError) -> ImageInfo {
        // The header alone (the read decodes the whole file).
        let head = try ImageFiles.readHead(path: path, count: DPXHeader.size)
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw DecodeError(path: path, format: "dpx", reason: .unreadable, detail: String(cString: strerror(errno)))
        }
        let h = try header(path, bytes: head, fileSize: Int(st.st_size), limits: limits)
        let ch = h.channels!
        let md = metadata(h, channels: ch)
        return ImageInfo(format: .dpx, width: h.width, height: h.height, channels: ch, sampleFormat: md.sampleFormat,
                         alpha: md.alpha, compression: "none", layout: md.layout + (md.spaceName.map { ["space \($0)"] } ?? []),
                         resolution: nil, iccProfile: nil, colorHints: nil, hasExif: false)
    }

    static func read(path: String, limits: DecodeLimits, threads: Int) throws(DecodeError) -> Image {
        let bytes = try load(path)
        let h = try header(path, bytes: bytes, fileSize: bytes.count, limits: limits)
        let ch = h.channels!
        let stride = lineBytes(h, channels: ch)
        let start = h.elementOffset > 0 ? h.elementOffset : h.dataOffset
        let w = h.width, n = h.width * h.height
        let scale = 1 / Float((1 << h.bitDepth) - 1)
        let be = h.bigEndian, bits = h.bitDepth, packing = h.packing
        return bytes.withUnsafeBufferPointer { src in
            let base = SendableConstPointer(src.baseAddress! + start)
            return Image(width: w, height: h.height, colorChannels: ch == 1 ? 1 : 3, hasAlpha: ch == 4,
                         metadata: metadata(h, channels: ch)) { buf in
                let dst = SendablePointer(buf.baseAddress!)
                parallelChunks(h.height, grain: 16, threads: threads) { rows in
                    for y in rows {
                        let line = UnsafeRawPointer(base.base + y * stride)
                        func word(_ i: Int) -> UInt32 {
                            let v = line.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)
                            return be ? UInt32(bigEndian: v) : UInt32(littleEndian: v)
                        }
                        func half(_ i: Int) -> UInt16 {
                            let v = line.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)
                            return be ? UInt16(bigEndian: v) : UInt16(littleEndian: v)
                        }
                        for x in 0..<w {
                            for c in 0..<ch {
                                let s = x * ch + c
                                let code: UInt32
                                switch (bits, packing) {
                                case (8, _): code = UInt32(line.load(fromByteOffset: s, as: UInt8.self))
                                case (16, _): code = UInt32(half(s))
                                case (10, 0), (12, 0):  // continuous bits, least significant first within each word
                                    let bit = s * bits, wi = bit >> 5, off = UInt32(bit & 31)
                                    var v = word(wi) >> off
                                    if Int(off) + bits > 32 { v |= word(wi + 1) << (32 - off) }
                                    code = v & UInt32((1 << bits) - 1)
                                case (12, 1): code = UInt32(half(s) >> 4)
                                case (12, _): code = UInt32(half(s) & 0xFFF)
                                default:  // 10-bit filled: three samples per word
                                    code = (word(s / 3) >> Self.shift10(sample: s, packing: packing, channels: ch)) & 0x3FF
                                }
                                dst.base[c * n + y * w + x] = Float(code) * scale
                            }
                        }
                    }
                }
            }
        }
    }

    static func write(_ image: Image, to path: String, options: EncodeOptions) throws(EncodeError) {
        let ch = image.channels, w = image.width, hgt = image.height, n = image.planeSize
        var h = DPXHeader()
        h.width = w; h.height = hgt
        h.descriptor = ch == 4 ? 51 : ch == 3 ? 50 : 6
        guard ch != 2 else { throw EncodeError(path: path, reason: .unsupported, detail: "DPX has no gray + alpha; write RGBA") }
        h.bitDepth = options.depth.bits
        h.packing = (h.bitDepth == 10 || h.bitDepth == 12) ? 1 : 0
        h.transfer = transfer(spaceName: image.metadata.spaceName)
        h.colorimetric = h.transfer
        h.xOffset = max(0, image.metadata.window?.x ?? 0); h.yOffset = max(0, image.metadata.window?.y ?? 0)
        h.fields = image.metadata.attributes.filter { $0.key.hasPrefix("dpx:") }
        // An OpenEXR source's time code and rate, where the DPX fields are not set.
        if h.fields["dpx:timecode"] == nil, let tc = image.metadata.attributes["timeCode"] { h.fields["dpx:timecode"] = tc }
        if h.fields["dpx:frameRate"] == nil, let r = image.metadata.attributes["framesPerSecond"] {
            let p = r.split(separator: "/").compactMap { Double($0) }
            if p.count == 2, p[1] > 0 { h.fields["dpx:frameRate"] = String(Float(p[0] / p[1])) }
        }
        h.fields["dpx:creator"] = "restore"
        h.dataOffset = DPXHeader.size; h.elementOffset = DPXHeader.size
        let stride = lineBytes(h, channels: ch)
        let total = DPXHeader.size + stride * hgt
        var bytes = [UInt8](repeating: 0, count: total)
        let head = h.serialise(fileSize: total)
        bytes.replaceSubrange(0..<head.count, with: head)
        let maxCode = Float((1 << h.bitDepth) - 1), bits = h.bitDepth
        image.samples.withUnsafeBufferPointer { src in
            let s0 = SendableConstPointer(src.baseAddress!)
            bytes.withUnsafeMutableBufferPointer { out in
                let d0 = SendablePointer(out.baseAddress! + DPXHeader.size)
                parallelChunks(hgt, grain: 16, threads: options.threads) { rows in
                    for y in rows {
                        let line = UnsafeMutableRawPointer(d0.base + y * stride)
                        for x in 0..<w {
                            for c in 0..<ch {
                                let v = s0.base[c * n + y * w + x]
                                let code = UInt32(v.isNaN ? 0 : (min(max(v, 0), 1) * maxCode).rounded())
                                let i = x * ch + c
                                switch bits {
                                case 8: line.storeBytes(of: UInt8(code), toByteOffset: i, as: UInt8.self)
                                case 10:
                                    let at = 4 * (i / 3)
                                    let old = UInt32(bigEndian: line.loadUnaligned(fromByteOffset: at, as: UInt32.self))
                                    let shift = Self.shift10(sample: i, packing: 1, channels: ch)
                                    line.storeBytes(of: (old | code << shift).bigEndian, toByteOffset: at, as: UInt32.self)
                                case 12: line.storeBytes(of: UInt16(code << 4).bigEndian, toByteOffset: 2 * i, as: UInt16.self)
                                default: line.storeBytes(of: UInt16(code).bigEndian, toByteOffset: 2 * i, as: UInt16.self)
                                }
                            }
                        }
                    }
                }
            }
        }
        guard let fp = fopen(path, "wb") else {
            throw EncodeError(path: path, reason: .cannotCreate, detail: String(cString: strerror(errno)))
        }
        let written = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, fp) }
        let closed = fclose(fp)
        guard written == total, closed == 0 else {
            throw EncodeError(path: path, reason: .writeFailed, detail: String(cString: strerror(errno)))
        }
    }
}
