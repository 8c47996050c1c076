/// Float samples to integer codes: scaled, clamped to the code range, rounded to nearest
/// (halves up). NaN becomes 0. With `v / 255` or `v / 65535` decoding, integer data
/// round-trips bit-exactly.
public enum Quantize {
    @inlinable @inline(__always)
    public static func to8(_ v: Float) -> UInt8 {
        let s = v * 255
        if !(s > 0) { return 0 }
        if s >= 255 { return 255 }
        return UInt8(s + 0.5)
    }

    @inlinable @inline(__always)
    public static func to16(_ v: Float) -> UInt16 {
        let s = v * 65535
        if !(s > 0) { return 0 }
        if s >= 65535 { return 65535 }
        return UInt16(s + 0.5)
    }
}
