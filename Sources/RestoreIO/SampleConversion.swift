import RestoreCore

/// Conversions between interleaved integer/float rows (as codecs see them) and planar Float32
/// (as `Image` holds them). Integer → float is exact division (v / 255, v / 65535); float →
/// integer clamps to [0, 1] and rounds to nearest, so integer data round-trips bit-exactly.
enum Samples {
    /// Interleaved rows of `src` (`channels` samples per pixel, `srcStride` elements per row)
    /// to planar `dst` at rows `rows` (`dstOffset` = first destination row).
    @inline(__always)
    static func deinterleave<T>(_ src: UnsafePointer<T>, srcStride: Int, rows: Int, width: Int, channels: Int,
                                pixelStride: Int? = nil,
                                into dst: UnsafeMutablePointer<Float>, planeSize: Int, dstRow: Int,
                                dstWidth: Int, dstX: Int = 0, convert: (T) -> Float) {
        let step = pixelStride ?? channels
        for r in 0..<rows {
            let s = src + r * srcStride
            let d0 = (dstRow + r) * dstWidth + dstX
            for c in 0..<channels {
                let d = dst + c * planeSize + d0
                var i = c
                for x in 0..<width {
                    d[x] = convert(s[i])
                    i += step
                }
            }
        }
    }

    static func deinterleave8(_ src: UnsafePointer<UInt8>, srcStride: Int, rows: Int, width: Int, channels: Int,
                              into dst: UnsafeMutablePointer<Float>, planeSize: Int, dstRow: Int,
                              dstWidth: Int, dstX: Int = 0) {
        deinterleave(src, srcStride: srcStride, rows: rows, width: width, channels: channels, into: dst,
                     planeSize: planeSize, dstRow: dstRow, dstWidth: dstWidth, dstX: dstX) { Float($0) / 255 }
    }

    static func deinterleave16(_ src: UnsafePointer<UInt16>, srcStride: Int, rows: Int, width: Int, channels: Int,
                               into dst: UnsafeMutablePointer<Float>, planeSize: Int, dstRow: Int,
                               dstWidth: Int, dstX: Int = 0) {
        deinterleave(src, srcStride: srcStride, rows: rows, width: width, channels: channels, into: dst,
                     planeSize: planeSize, dstRow: dstRow, dstWidth: dstWidth, dstX: dstX) { Float($0) / 65535 }
    }

    static let to8 = Quantize.to8
    static let to16 = Quantize.to16

    /// Planar rows `rows` (starting at `srcRow`) of `image` into interleaved `dst`.
    @inline(__always)
    static func interleave<T>(_ samples: UnsafePointer<Float>, planeSize: Int, width: Int, channels: Int,
                              srcRow: Int, rows: Int, into dst: UnsafeMutablePointer<T>, dstStride: Int,
                              convert: (Float) -> T) {
        for r in 0..<rows {
            let d = dst + r * dstStride
            let s0 = (srcRow + r) * width
            for c in 0..<channels {
                let s = samples + c * planeSize + s0
                var i = c
                for x in 0..<width {
                    d[i] = convert(s[x])
                    i += channels
                }
            }
        }
    }

    /// Divides colour by alpha where alpha > 0 (associated → straight); colour stays 0 where
    /// alpha is 0.
    static func unpremultiply(_ image: inout Image, threads: Int) {
        guard image.hasAlpha else { return }
        let n = image.planeSize, cc = image.colorChannels
        image.samples.withUnsafeMutableBufferPointer { buf in
            let p = SendablePointer(buf.baseAddress!)
            parallelChunks(n, grain: 1 << 16, threads: threads) { range in
                let a = p.base + cc * n
                for c in 0..<cc {
                    let s = p.base + c * n
                    for i in range {
                        let al = a[i]
                        s[i] = al > 0 ? s[i] / al : 0
                    }
                }
            }
        }
    }
}
