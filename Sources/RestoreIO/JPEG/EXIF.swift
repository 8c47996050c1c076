/// The few EXIF facts restore acts on. The block is a TIFF structure (byte order mark, IFD0);
/// we read IFD0's Orientation (tag 0x0112) and can rewrite it in place.
enum EXIF {
    /// Byte offset of the Orientation value inside `exif`, with its byte order, when present.
    private static func orientationOffset(_ exif: [UInt8]) -> (offset: Int, bigEndian: Bool)? {
        guard exif.count >= 8 else { return nil }
        let big: Bool
        switch (exif[0], exif[1]) {
        case (0x4D, 0x4D): big = true
        case (0x49, 0x49): big = false
        default: return nil
        }
        func u16(_ o: Int) -> Int? {
            guard o >= 0, o + 2 <= exif.count else { return nil }
            return big ? Int(exif[o]) << 8 | Int(exif[o + 1]) : Int(exif[o + 1]) << 8 | Int(exif[o])
        }
        func u32(_ o: Int) -> Int? {
            guard let hi = u16(big ? o : o + 2), let lo = u16(big ? o + 2 : o) else { return nil }
            return hi << 16 | lo
        }
        guard let ifd = u32(4), let count = u16(ifd), count < 1000 else { return nil }
        for i in 0..<count {
            let e = ifd + 2 + i * 12
            guard let tag = u16(e) else { return nil }
            if tag == 0x0112, let type = u16(e + 2), type == 3 { return (e + 8, big) }
        }
        return nil
    }

    /// The Orientation value 1…8, or nil when absent or out of range.
    static func orientation(_ exif: [UInt8]) -> Int? {
        guard let (o, big) = orientationOffset(exif) else { return nil }
        let v = big ? Int(exif[o]) << 8 | Int(exif[o + 1]) : Int(exif[o + 1]) << 8 | Int(exif[o])
        return (1...8).contains(v) ? v : nil
    }

    /// `exif` with Orientation set to 1 (pixels already upright); unchanged when it has none.
    static func resettingOrientation(_ exif: [UInt8]) -> [UInt8] {
        guard let (o, big) = orientationOffset(exif) else { return exif }
        var out = exif
        out[o] = big ? 0 : 1
        out[o + 1] = big ? 1 : 0
        return out
    }
}
