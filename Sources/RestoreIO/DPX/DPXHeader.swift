/// The parts of a DPX (SMPTE 268M v1/v2) header restore reads and writes: the generic file and
/// image headers (first image element only), the orientation header's offsets, and the film
/// and television headers, whose fields pass through `ImageMetadata.attributes` as "dpx:…".
/// Every offset is the standard's; the byte order follows the magic number ("SDPX" big-endian,
/// "XPDS" little-endian).
struct DPXHeader {
    var bigEndian = true
    var dataOffset = 2048
    var width = 0, height = 0
    /// 50 RGB, 51 RGBA, 6 luma; 1–4 (a single R, G, B or A component) read as gray.
    var descriptor = 50
    /// 0 user-defined, 1 printing density, 2 linear, 3 logarithmic, 5 SMPTE 274M, 6 BT.709, …
    var transfer = 0
    var colorimetric = 0
    var bitDepth = 10
    /// 0 packed, 1 filled method A (padding in the low bits), 2 filled method B.
    var packing = 1
    var encoding = 0
    var elementOffset = 2048
    var endOfLinePadding = 0
    var xOffset = 0, yOffset = 0
    /// "dpx:…" fields: text fields as they are, numbers in decimal, the time code as HH:MM:SS:FF.
    var fields: [String: String] = [:]

    static let size = 2048

    /// Channels of the descriptor (nil: not one restore reads).
    var channels: Int? {
        switch descriptor { case 50: return 3; case 51: return 4; case 1, 2, 3, 4, 6: return 1; default: return nil }
    }

    // Text fields: (name, offset, length).
    static let text: [(String, Int, Int)] = [
        ("dpx:fileName", 36, 100), ("dpx:creationTime", 136, 24), ("dpx:creator", 160, 100), ("dpx:project", 260, 200),
        ("dpx:copyright", 460, 200), ("dpx:sourceFileName", 1432, 100), ("dpx:sourceTime", 1532, 24),
        ("dpx:inputDevice", 1556, 32), ("dpx:inputSerial", 1588, 32), ("dpx:filmMfgId", 1664, 2), ("dpx:filmType", 1666, 2),
        ("dpx:perfsOffset", 1668, 2), ("dpx:prefix", 1670, 6), ("dpx:count", 1676, 4), ("dpx:format", 1680, 32),
        ("dpx:frameId", 1732, 32), ("dpx:slate", 1764, 100),
    ]
    // 32-bit unsigned fields kept when not "undefined" (all ones).
    static let u32: [(String, Int)] = [
        ("dpx:framePosition", 1712), ("dpx:sequenceLength", 1716), ("dpx:heldCount", 1720), ("dpx:userBits", 1924),
    ]
    // 32-bit float fields kept when finite.
    static let f32: [(String, Int)] = [
        ("dpx:frameRate", 1724), ("dpx:shutterAngle", 1728), ("dpx:horizontalSampleRate", 1932),
        ("dpx:verticalSampleRate", 1936), ("dpx:temporalFrameRate", 1940), ("dpx:timeOffset", 1944), ("dpx:gamma", 1948),
        ("dpx:blackLevel", 1952), ("dpx:blackGain", 1956), ("dpx:breakPoint", 1960), ("dpx:whiteLevel", 1964),
        ("dpx:integrationTimes", 1968),
    ]

    /// Parses the header from the file's first bytes.
    init(bytes b: [UInt8]) throws(DecodeError) {
        func bad(_ s: String) -> DecodeError { DecodeError(path: nil, format: "dpx", reason: .corrupt, detail: s) }
        guard b.count >= 1664 else { throw bad("\(b.count) bytes, shorter than the DPX generic header (1664)") }
        switch (b[0], b[1], b[2], b[3]) {
        case (0x53, 0x44, 0x50, 0x58): bigEndian = true
        case (0x58, 0x50, 0x44, 0x53): bigEndian = false
        default: throw bad("no SDPX/XPDS magic number")
        }
        let be = bigEndian
        func u16(_ o: Int) -> Int { be ? Int(b[o]) << 8 | Int(b[o + 1]) : Int(b[o + 1]) << 8 | Int(b[o]) }
        func u32(_ o: Int) -> UInt32 {
            let v = UInt32(b[o]) << 24 | UInt32(b[o + 1]) << 16 | UInt32(b[o + 2]) << 8 | UInt32(b[o + 3])
            return be ? v : v.byteSwapped
        }
        dataOffset = Int(u32(4))
        let elements = u16(770)
        guard elements >= 1 && elements <= 8 else { throw bad("\(elements) image elements (1…8 expected)") }
        width = Int(u32(772)); height = Int(u32(776))
        descriptor = Int(b[800]); transfer = Int(b[801]); colorimetric = Int(b[802]); bitDepth = Int(b[803])
        packing = u16(804); encoding = u16(806)
        elementOffset = Int(u32(808))
        let eol = u32(812)
        endOfLinePadding = eol == .max ? 0 : Int(eol)
        // Orientation, film and TV headers exist only when the pixels start after them (FFmpeg
        // writes the generic headers alone, with pixels from 1664).
        if b.count >= 2048 && dataOffset >= 2048 && Int(u32(28)) >= 384 {
            let xo = u32(1408), yo = u32(1412)
            xOffset = xo == .max ? 0 : Int(xo); yOffset = yo == .max ? 0 : Int(yo)
            for (name, o, n) in Self.text {
                let raw = b[o..<o + n].prefix { $0 != 0 && $0 != 0xFF }
                if !raw.isEmpty, raw.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { fields[name] = String(decoding: raw, as: UTF8.self) }
            }
            for (name, o) in Self.u32 where u32(o) != .max { fields[name] = String(u32(o)) }
            for (name, o) in Self.f32 {
                let f = Float(bitPattern: u32(o))
                if f.isFinite && u32(o) != .max { fields[name] = String(f) }
            }
            let tc = u32(1920)
            if tc != .max { fields["dpx:timecode"] = Self.timecode(bcd: tc) }
            if b[1928] != 0xFF { fields["dpx:interlace"] = String(b[1928]) }
            if b[1929] != 0xFF { fields["dpx:fieldNumber"] = String(b[1929]) }
            if b[1930] != 0xFF { fields["dpx:videoSignal"] = String(b[1930]) }
        }
    }

    init() {}

    /// BCD HHMMSSFF → "HH:MM:SS:FF".
    static func timecode(bcd v: UInt32) -> String {
        (0..<4).map { i -> String in
            let byte = (v >> (24 - 8 * UInt32(i))) & 0xFF
            return String(byte >> 4) + String(byte & 0xF)
        }.joined(separator: ":")
    }

    /// "HH:MM:SS:FF" → BCD, nil when malformed.
    static func bcd(timecode s: String) -> UInt32? {
        let parts = s.split(separator: ":")
        guard parts.count == 4 else { return nil }
        var v: UInt32 = 0
        for p in parts {
            guard p.count == 2, let n = UInt32(p), n < 100 else { return nil }
            v = v << 8 | (n / 10) << 4 | n % 10
        }
        return v
    }

    /// The 2048-byte header, big-endian ("SDPX", version 2.0), undefined fields all ones.
    func serialise(fileSize: Int) -> [UInt8] {
        var b = [UInt8](repeating: 0, count: Self.size)
        func put16(_ o: Int, _ v: Int) { b[o] = UInt8(truncatingIfNeeded: v >> 8); b[o + 1] = UInt8(truncatingIfNeeded: v) }
        func put32(_ o: Int, _ v: UInt32) { for i in 0..<4 { b[o + i] = UInt8(truncatingIfNeeded: v >> (24 - 8 * UInt32(i))) } }
        func ones(_ range: Range<Int>) { for i in range { b[i] = 0xFF } }
        func text(_ o: Int, _ n: Int, _ s: String) { for (i, c) in s.utf8.prefix(n - 1).enumerated() { b[o + i] = c } }
        b.replaceSubrange(0..<4, with: Array("SDPX".utf8))
        put32(4, UInt32(dataOffset))
        b.replaceSubrange(8..<12, with: Array("V2.0".utf8))
        put32(16, UInt32(truncatingIfNeeded: fileSize))
        put32(20, 1)  // ditto key: new frame
        put32(24, 1664); put32(28, 384); put32(32, 0)
        ones(660..<664)
        put16(768, 0)  // orientation: left to right, top to bottom
        put16(770, 1)
        put32(772, UInt32(clamping: width)); put32(776, UInt32(clamping: height))
        // Element 1.
        put32(780, 0)
        put32(784, 0); ones(788..<792)
        put32(792, UInt32((1 << bitDepth) - 1)); ones(796..<800)
        b[800] = UInt8(descriptor); b[801] = UInt8(transfer); b[802] = UInt8(colorimetric); b[803] = UInt8(bitDepth)
        put16(804, packing); put16(806, 0)
        put32(808, UInt32(dataOffset)); put32(812, 0); put32(816, 0)
        for e in 1..<8 { ones(780 + 72 * e..<780 + 72 * e + 72) }  // unused elements
        put32(1408, UInt32(clamping: xOffset)); put32(1412, UInt32(clamping: yOffset))
        ones(1416..<1432)
        ones(1620..<1636)
        for (name, o, n) in Self.text { if let v = fields[name] { text(o, n, v) } }
        for (name, o) in Self.u32 { put32(o, fields[name].flatMap { UInt32($0) } ?? .max) }
        for (name, o) in Self.f32 { put32(o, fields[name].flatMap { Float($0) }.map(\.bitPattern) ?? .max) }
        put32(1920, fields["dpx:timecode"].flatMap(Self.bcd) ?? .max)
        b[1928] = fields["dpx:interlace"].flatMap { UInt8($0) } ?? 0xFF
        b[1929] = fields["dpx:fieldNumber"].flatMap { UInt8($0) } ?? 0xFF
        b[1930] = fields["dpx:videoSignal"].flatMap { UInt8($0) } ?? 0xFF
        return b
    }
}
