import CRestoreShims
import RestoreCore
#if canImport(Glibc)
import Glibc
#endif

/// OpenEXR through OpenEXRCore's C API (the shim `rs_exr.c`).
///
/// Read: scanline and tiled parts (level 0 of mipmaps), half, float and uint channels (uint
/// values are read as float numbers), every compression OpenEXRCore 3.1 decodes (none, RLE,
/// ZIPS, ZIP, PIZ, PXR24, B44, B44A; DWAA/DWAB fail with a message naming them). One part
/// and one layer become the image: R, G, B (and A) or Y (and A), by default of the first part's
/// unnamed layer; `DecodeLimits.part`/`.layer` choose others. Chunks decode in parallel.
///
/// - Alpha in OpenEXR is associated (premultiplied); it is divided out on read and multiplied
///   back on write, so `Image` keeps straight alpha.
/// - The **data window** is the image; its origin and the display window are kept in
///   `metadata.window` and written back (scaled by upscales).
/// - `chromaticities` becomes linear-light colour hints (gamma 1); absent, the EXR convention
///   applies: Rec.709 primaries, D65, linear.
/// - String attributes (owner, comments, capDate, …), `timeCode` ("HH:MM:SS:FF") and
///   `framesPerSecond` ("24000/1001") pass through `metadata.attributes`; a DPX source's
///   `dpx:timecode` and `dpx:frameRate` fill them when absent.
///
/// Write: one part, scanline or tiled (`EncodeOptions.exrTile`), half or float, none/RLE/ZIPS/ZIP/PIZ/PXR24/B44/B44A, chunks
/// compressed in parallel and written in order.
enum EXRCodec: Sendable {
    /// The part and channels chosen from a file.
    struct Selection {
        var part: Int32
        var info: rs_exr_part
        var parts: Int
        /// File channel index of each image plane (R, G, B, A or Y, A order).
        var planes: [Int]
        var colorChannels: Int
        var hasAlpha: Bool
        var width: Int, height: Int
        var sampleFormat: SampleFormat
        var notes: [String]
        var channelCount: Int
    }

    final class Reader: @unchecked Sendable {
        let handle: OpaquePointer
        init(_ h: OpaquePointer) { handle = h }
        deinit { rs_exr_close(handle) }
    }

    static func open(_ path: String) throws(DecodeError) -> Reader {
        var err = [CChar](repeating: 0, count: 512)
        var h: OpaquePointer?
        guard rs_exr_open(path, &h, &err, err.count) == 0, let h else {
            throw DecodeError(path: path, format: "exr", reason: .corrupt, detail: text(err))
        }
        return Reader(h)
    }

    static func compressionName(_ c: Int32) -> String {
        EXRCompression(rawValue: c)?.description ?? "compression \(c)"
    }

    static func select(_ r: Reader, path: String, limits: DecodeLimits) throws(DecodeError) -> Selection {
        func bad(_ reason: DecodeError.Reason, _ s: String) -> DecodeError { DecodeError(path: path, format: "exr", reason: reason, detail: s) }
        let parts = Int(rs_exr_part_count(r.handle))
        guard parts > 0 else { throw bad(.corrupt, "no parts") }
        var err = [CChar](repeating: 0, count: 512)
        var infos: [rs_exr_part] = []
        for p in 0..<parts {
            var info = rs_exr_part()
            guard rs_exr_part_info(r.handle, Int32(p), &info, &err, err.count) == 0 else { throw bad(.corrupt, text(err)) }
            infos.append(info)
        }
        func name(_ i: rs_exr_part) -> String { withUnsafeBytes(of: i.name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) } }
        var part = 0
        if let want = limits.part {
            guard want >= 0 && want < parts else { throw bad(.unsupported, "--part \(want): the file has \(parts) part(s), 0…\(parts - 1)") }
            part = want
        }
        let info = infos[part]
        // Channels: name, type.
        var channels: [(name: String, type: Int32, sampled: Bool)] = []
        for c in 0..<Int(info.channels) {
            var n: UnsafePointer<CChar>?
            var t: Int32 = 0, xs: Int32 = 0, ys: Int32 = 0
            guard rs_exr_channel(r.handle, Int32(part), Int32(c), &n, &t, &xs, &ys) == 0, let n else { throw bad(.corrupt, "channel \(c)") }
            channels.append((String(cString: n), t, xs != 1 || ys != 1))
        }
        func layerOf(_ s: String) -> (String, String) {
            guard let dot = s.lastIndex(of: ".") else { return ("", s) }
            return (String(s[..<dot]), String(s[s.index(after: dot)...]))
        }
        let layers = Array(Set(channels.map { layerOf($0.name).0 })).sorted()
        let layer = limits.layer ?? ""
        let inLayer = channels.indices.filter { layerOf(channels[$0].name).0 == layer }
        func find(_ names: [String]) -> Int? { inLayer.first { names.contains(layerOf(channels[$0].name).1) } }
        let describeLayers = layers.map { $0.isEmpty ? "(unnamed)" : $0 }.joined(separator: ", ")
        if inLayer.isEmpty {
            throw bad(.unsupported, "part \(part) has no layer '\(layer)'; its layers: \(describeLayers) (--layer NAME)")
        }
        var planes: [Int] = []
        var cc = 3
        if let r0 = find(["R", "r", "red"]), let g = find(["G", "g", "green"]), let b = find(["B", "b", "blue"]) {
            planes = [r0, g, b]
        } else if let y = find(["Y", "y"]) {
            if find(["RY"]) != nil || find(["BY"]) != nil {
                throw bad(.unsupported, "luminance/chroma channels (Y, RY, BY) are not read; convert to RGB first")
            }
            planes = [y]; cc = 1
        } else if inLayer.count == 1 {
            planes = [inLayer[0]]; cc = 1  // a single channel (Z, a mask) reads as gray
        } else {
            let names = inLayer.map { channels[$0].name }.joined(separator: ", ")
            throw bad(.unsupported, "part \(part) layer '\(layer)' has no R, G, B or Y channels (it has \(names)); layers: \(describeLayers)")
        }
        let alpha = find(["A", "a", "alpha"])
        if let alpha { planes.append(alpha) }
        for p in planes where channels[p].sampled {
            throw bad(.unsupported, "channel \(channels[p].name) is subsampled; restore reads full-resolution channels")
        }
        guard info.storage == 0 || info.storage == 1 else { throw bad(.unsupported, "part \(part) holds deep data") }
        guard let comp = EXRCompression(rawValue: info.compression), comp.readable else {
            throw bad(.unsupported, "\(compressionName(info.compression).uppercased()) compression cannot be decoded by OpenEXRCore 3.1 (libopenexr-dev); re-save the file with ZIP or PIZ, e.g. `oiiotool in.exr --compression zip -o out.exr`")
        }
        let w = Int64(info.data.2) - Int64(info.data.0) + 1, h = Int64(info.data.3) - Int64(info.data.1) + 1
        guard w > 0 && h > 0 else { throw bad(.corrupt, "empty data window (\(info.data.0),\(info.data.1))–(\(info.data.2),\(info.data.3))") }
        guard UInt64(w) * UInt64(h) <= limits.maxPixels else {
            throw bad(.tooLarge, "\(w) × \(h) pixels exceed the limit of \(limits.maxPixels)")
        }
        let types = Set(planes.map { channels[$0].type })
        let sample: SampleFormat = types == [1] ? .float(bits: 16) : .float(bits: 32)
        var notes = [info.storage == 1 ? "tiled \(info.tile_w)x\(info.tile_h)" : "scanline"]
        if info.storage == 1 && info.tile_levels != 0 { notes.append(info.tile_levels == 1 ? "mipmap (level 0 read)" : "ripmap (level 0 read)") }
        if types.contains(0) { notes.append("uint channels read as float values") }
        if parts > 1 || !name(info).isEmpty {
            notes.append("part \(part) of \(parts)" + (name(info).isEmpty ? "" : " '\(name(info))'"))
            for (i, other) in infos.enumerated() where i != part {
                notes.append("other part \(i)" + (name(other).isEmpty ? "" : " '\(name(other))'") + ": \(other.channels) channels, \(compressionName(other.compression))")
            }
        }
        let typeName = ["uint", "half", "float"]
        notes.append("channels " + channels.map { "\($0.name)(\(typeName[Int(max(0, min(2, $0.type)))]))" }.joined(separator: " "))
        if layers.count > 1 { notes.append("layers \(describeLayers)") }
        let d = info.data, dp = info.display
        notes.append("data window (\(d.0),\(d.1))-(\(d.2),\(d.3))")
        if d != dp { notes.append("display window (\(dp.0),\(dp.1))-(\(dp.2),\(dp.3))") }
        return Selection(part: Int32(part), info: info, parts: parts, planes: planes, colorChannels: cc, hasAlpha: alpha != nil,
                         width: Int(w), height: Int(h), sampleFormat: sample, notes: notes, channelCount: channels.count)
    }

    /// Linear-light hints: the file's chromaticities, or Rec.709/D65 (the EXR convention).
    static func hints(_ info: rs_exr_part) -> ColorHints {
        let c = info.chromaticities
        let xy = info.has_chromaticities != 0
            ? [c.6, c.7, c.0, c.1, c.2, c.3, c.4, c.5].map(Double.init)
            : [0.3127, 0.3290, 0.64, 0.33, 0.30, 0.60, 0.15, 0.06]
        return ColorHints(gamma: 1, chromaticities: xy)
    }

    static func inspect(path: String, limits: DecodeLimits) throws(DecodeError) -> ImageInfo {
        let r = try open(path)
        let s = try select(r, path: path, limits: limits)
        return ImageInfo(format: .exr, width: s.width, height: s.height, channels: s.planes.count, sampleFormat: s.sampleFormat,
                         alpha: s.hasAlpha ? .premultiplied : .none, compression: compressionName(s.info.compression),
                         layout: s.notes, resolution: nil, iccProfile: nil, colorHints: hints(s.info), hasExif: false)
    }

    static func read(path: String, limits: DecodeLimits, threads: Int) throws(DecodeError) -> Image {
        let r = try open(path)
        let s = try select(r, path: path, limits: limits)
        let d = s.info.data, dp = s.info.display
        var md = ImageMetadata(colorHints: hints(s.info), sourceFormat: "exr", sampleFormat: s.sampleFormat,
                               alpha: s.hasAlpha ? .premultiplied : .none, compression: compressionName(s.info.compression),
                               layout: s.notes)
        md.window = PixelWindow(x: Int(d.0), y: Int(d.1), display: d == dp ? nil : [Int(dp.0), Int(dp.1), Int(dp.2), Int(dp.3)])
        md.attributes = stringAttributes(r, part: s.part)
        if s.info.has_timecode != 0 { md.attributes["timeCode"] = Self.timecode(s.info.timecode) }
        if s.info.has_fps != 0 { md.attributes["framesPerSecond"] = "\(s.info.fps_num)/\(s.info.fps_den)" }
        let failure = FirstError()
        let chunks = Int(s.info.chunks)
        var image = Image(width: s.width, height: s.height, colorChannels: s.colorChannels, hasAlpha: s.hasAlpha, metadata: md) { buf in
            let base = SendablePointer(buf.baseAddress!)
            let n = s.width * s.height
            let reader = r
            let planes = s.planes, count = s.channelCount
            let workers = Swift.max(1, Swift.min(threads, chunks))
            parallelFor(workers, threads: workers) { w in
                let first = chunks * w / workers, last = chunks * (w + 1) / workers
                var map = [UnsafeMutablePointer<Float>?](repeating: nil, count: count)
                for (i, c) in planes.enumerated() { map[c] = base.base + i * n }
                var err = [CChar](repeating: 0, count: 512)
                if rs_exr_decode(reader.handle, s.part, Int32(first), Int32(last), map, &err, err.count) != 0 {
                    failure.record(DecodeError(path: path, format: "exr", reason: .corrupt, detail: text(err)))
                }
            }
        }
        do { try failure.rethrow() } catch let e as DecodeError { throw e } catch { fatalError("unexpected \(error)") }
        withExtendedLifetime(r) {}
        if s.hasAlpha { Samples.unpremultiply(&image, threads: threads) }
        return image
    }

    /// String attributes other than the part's own name and type.
    static func stringAttributes(_ r: Reader, part: Int32) -> [String: String] {
        var out: [String: String] = [:]
        for i in 0..<rs_exr_attr_count(r.handle, part) {
            var n: UnsafePointer<CChar>?, t: UnsafePointer<CChar>?, v: UnsafePointer<CChar>?
            guard rs_exr_attr(r.handle, part, i, &n, &t, &v) == 0, let n, let v else { continue }
            let name = String(cString: n)
            if ["name", "type", "view"].contains(name) { continue }
            out[name] = String(cString: v)
        }
        return out
    }

    static func write(_ image: Image, to path: String, options: EncodeOptions) throws(EncodeError) {
        let comp = options.exrCompression
        guard comp.writable else {
            throw EncodeError(path: path, reason: .unsupported, detail: "OpenEXRCore 3.1 cannot write \(comp.description.uppercased()); use zip, piz, pxr24, b44, zips, rle or none")
        }
        let n = image.planeSize, cc = image.colorChannels
        // Associated alpha on disk: colour × alpha, in a copy.
        var premultiplied: [Float] = []
        if image.hasAlpha {
            premultiplied = [Float](unsafeUninitializedCapacity: cc * n) { buf, initialized in
                image.samples.withUnsafeBufferPointer { src in
                    let s = SendableConstPointer(src.baseAddress!), d = SendablePointer(buf.baseAddress!)
                    parallelChunks(n, grain: 1 << 16, threads: options.threads) { range in
                        for c in 0..<cc { for i in range { d.base[c * n + i] = s.base[c * n + i] * s.base[cc * n + i] } }
                    }
                }
                initialized = cc * n
            }
        }
        let names = cc == 1 ? (image.hasAlpha ? ["Y", "A"] : ["Y"]) : (image.hasAlpha ? ["R", "G", "B", "A"] : ["R", "G", "B"])
        var all = image.metadata.attributes
        let timecode = (all.removeValue(forKey: "timeCode") ?? all["dpx:timecode"]).flatMap(Self.packedTimecode)
        let fps = all.removeValue(forKey: "framesPerSecond").flatMap(Self.rational)
            ?? all["dpx:frameRate"].flatMap(Float.init).flatMap { Self.rational(String($0)) }
        let attrs = all.filter { !$0.key.hasPrefix("dpx:") }.sorted { $0.key < $1.key }
        var err = [CChar](repeating: 0, count: 512)
        try image.samples.withUnsafeBufferPointer { (samples) throws(EncodeError) in
            try premultiplied.withUnsafeBufferPointer { (pre) throws(EncodeError) in
                var p = rs_exr_write_params()
                p.width = Int32(image.width); p.height = Int32(image.height)
                if let w = image.metadata.window {
                    p.data_x = Int32(clamping: w.x); p.data_y = Int32(clamping: w.y)
                    if let d = w.display, d.count == 4 {
                        p.has_display = 1
                        p.display = (Int32(clamping: d[0]), Int32(clamping: d[1]), Int32(clamping: d[2]), Int32(clamping: d[3]))
                    }
                }
                p.channels = Int32(image.channels)
                p.pixel_type = options.depth == .float16 ? 1 : 2
                p.compression = comp.rawValue
                p.zip_level = -1
                if let t = options.exrTile {
                    p.tiled = 1; p.tile_w = UInt32(clamping: t); p.tile_h = UInt32(clamping: t)
                }
                p.pixel_aspect = 1
                if let timecode { p.has_timecode = 1; p.timecode = timecode }
                if let fps { p.has_fps = 1; p.fps_num = fps.0; p.fps_den = fps.1 }
                if let c = image.metadata.colorHints?.chromaticities, c.count == 8 {
                    p.has_chromaticities = 1
                    p.chromaticities = (Float(c[2]), Float(c[3]), Float(c[4]), Float(c[5]), Float(c[6]), Float(c[7]), Float(c[0]), Float(c[1]))
                }
                let base = samples.baseAddress!
                var planes: [UnsafePointer<Float>?] = (0..<image.channels).map { c in
                    image.hasAlpha && c < cc ? pre.baseAddress! + c * n : base + c * n
                }
                planes += [UnsafePointer<Float>?](repeating: nil, count: 4 - planes.count)
                p.planes = (planes[0], planes[1], planes[2], planes[3])
                let cNames = names.map { strdup($0) }
                defer { cNames.forEach { free($0) } }
                let padded = cNames.map { UnsafePointer<CChar>($0) } + [UnsafePointer<CChar>?](repeating: nil, count: 4 - cNames.count)
                p.names = (padded[0], padded[1], padded[2], padded[3])
                let an = attrs.map { strdup($0.key) }, av = attrs.map { strdup($0.value) }
                defer { an.forEach { free($0) }; av.forEach { free($0) } }
                let anc = an.map { UnsafePointer<CChar>($0) }, avc = av.map { UnsafePointer<CChar>($0) }
                try anc.withUnsafeBufferPointer { (np) throws(EncodeError) in
                    try avc.withUnsafeBufferPointer { (vp) throws(EncodeError) in
                        p.string_attrs = Int32(attrs.count)
                        p.attr_names = np.baseAddress
                        p.attr_values = vp.baseAddress
                        var writer: OpaquePointer?
                        var chunks: Int32 = 0
                        guard rs_exr_writer_begin(path, &p, &writer, &chunks, &err, err.count) == 0, let writer else {
                            throw EncodeError(path: path, reason: .writeFailed, detail: text(err))
                        }
                        defer { rs_exr_writer_free(writer) }
                        let total = Int(chunks)
                        let failure = FirstError()
                        let workers = Swift.max(1, Swift.min(options.threads, total))
                        let w = SendableWriter(writer)
                        parallelFor(workers, threads: workers) { k in
                            var e = [CChar](repeating: 0, count: 512)
                            if rs_exr_writer_encode(w.handle, Int32(total * k / workers), Int32(total * (k + 1) / workers), &e, e.count) != 0 {
                                failure.record(EncodeError(path: path, reason: .writeFailed, detail: text(e)))
                            }
                        }
                        do { try failure.rethrow() } catch let e as EncodeError { throw e } catch { fatalError("unexpected \(error)") }
                        guard rs_exr_writer_finish(writer, &err, err.count) == 0 else {
                            throw EncodeError(path: path, reason: .writeFailed, detail: text(err))
                        }
                    }
                }
            }
        }
    }

    /// OpenEXR's `timeCode` (SMPTE 12M: BCD frames, seconds, minutes, hours in the low 6, 7, 7 and
    /// 6 bits of each byte; the flags are dropped) as "HH:MM:SS:FF".
    static func timecode(_ v: UInt32) -> String {
        func two(_ byte: UInt32, _ tensBits: UInt32) -> String {
            let units = byte & 0xF, tens = (byte >> 4) & ((1 << tensBits) - 1)
            return String(tens) + String(units)
        }
        return [two(v >> 24, 2), two(v >> 16, 3), two(v >> 8, 3), two(v, 2)].joined(separator: ":")
    }

    /// "HH:MM:SS:FF" (also a DPX time code) → SMPTE 12M packing, nil when malformed.
    static func packedTimecode(_ s: String) -> UInt32? {
        let parts = s.split(separator: ":").compactMap { UInt32($0) }
        guard parts.count == 4, parts[0] < 40, parts[1] < 60, parts[2] < 60, parts[3] < 40 else { return nil }
        return parts.reduce(0) { ($0 << 8) | ($1 / 10) << 4 | $1 % 10 }
    }

    /// "24/1", "24000/1001" or "23.976" → (numerator, denominator).
    static func rational(_ s: String) -> (Int32, UInt32)? {
        let p = s.split(separator: "/")
        if p.count == 2, let n = Int32(p[0]), let d = UInt32(p[1]), d > 0 { return (n, d) }
        guard let f = Double(s), f.isFinite, f > 0, f < 1e6 else { return nil }
        if f == f.rounded() { return (Int32(f), 1) }
        if abs(f * 1001 / 1000 - (f * 1001 / 1000).rounded()) < 1e-3, f != f.rounded() { return (Int32((f * 1001 / 1000).rounded() * 1000), 1001) }
        return (Int32((f * 1000).rounded()), 1000)
    }

    /// A C message buffer as text.
    static func text(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    struct SendableWriter: @unchecked Sendable { let handle: OpaquePointer; init(_ h: OpaquePointer) { handle = h } }
}
