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

    /// 8-bit interleaved rows to planar floats, `v / 255`: the vectorised form of `deinterleave`
    /// (bit-identical; `SampleKernelTests` compares the two).
    static func deinterleave8(_ src: UnsafePointer<UInt8>, srcStride: Int, rows: Int, width: Int, channels: Int,
                              pixelStride: Int? = nil, into dst: UnsafeMutablePointer<Float>, planeSize: Int, dstRow: Int,
                              dstWidth: Int, dstX: Int = 0) {
        expand(src, srcStride: srcStride, rows: rows, width: width, channels: channels, step: pixelStride ?? channels, into: dst,
               planeSize: planeSize, dstRow: dstRow, dstWidth: dstWidth, dstX: dstX)
    }

    /// 16-bit interleaved rows (native byte order) to planar floats, `v / 65535`; as `deinterleave8`.
    static func deinterleave16(_ src: UnsafePointer<UInt16>, srcStride: Int, rows: Int, width: Int, channels: Int,
                               pixelStride: Int? = nil, into dst: UnsafeMutablePointer<Float>, planeSize: Int, dstRow: Int,
                               dstWidth: Int, dstX: Int = 0) {
        expand(src, srcStride: srcStride, rows: rows, width: width, channels: channels, step: pixelStride ?? channels, into: dst,
               planeSize: planeSize, dstRow: dstRow, dstWidth: dstWidth, dstX: dstX)
    }

    /// Eight samples at a time: gathered from the interleaved row, converted and divided as
    /// vectors (IEEE division is exact-rounded in every lane, as in the scalar form).
    @inline(__always)
    private static func expand<T: FixedWidthInteger & UnsignedInteger>(
        _ src: UnsafePointer<T>, srcStride: Int, rows: Int, width: Int, channels: Int, step: Int,
        into dst: UnsafeMutablePointer<Float>, planeSize: Int, dstRow: Int, dstWidth: Int, dstX: Int) {
        let top = Float(T.max)
        for r in 0..<rows {
            let s = src + r * srcStride
            let d0 = (dstRow + r) * dstWidth + dstX
            for c in 0..<channels {
                let d = dst + c * planeSize + d0
                let sc = s + c
                var x = 0
                while x + 8 <= width {
                    var v = SIMD8<Float>()
                    for k in 0..<8 { v[k] = Float(sc[(x + k) * step]) }
                    UnsafeMutableRawPointer(d + x).storeBytes(of: v / top, as: SIMD8<Float>.self)
                    x += 8
                }
                while x < width { d[x] = Float(sc[x * step]) / top; x += 1 }
            }
        }
    }

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

    /// Planar rows to interleaved 8-bit codes, `Quantize.to8` per sample: the vectorised form of
    /// `interleave(…, convert: Quantize.to8)` (bit-identical; `SampleKernelTests` compares them).
    static func interleave8(_ samples: UnsafePointer<Float>, planeSize: Int, width: Int, channels: Int,
                            srcRow: Int, rows: Int, into dst: UnsafeMutablePointer<UInt8>, dstStride: Int) {
        for r in 0..<rows {
            let s0 = (srcRow + r) * width
            for c in 0..<channels {
                let s = samples + c * planeSize + s0
                let d = dst + r * dstStride + c
                var x = 0
                while x + 8 <= width {
                    let q = codes(UnsafeRawPointer(s + x).loadUnaligned(as: SIMD8<Float>.self), top: 255)
                    for k in 0..<8 { d[(x + k) * channels] = UInt8(truncatingIfNeeded: q[k]) }
                    x += 8
                }
                while x < width { d[x * channels] = Quantize.to8(s[x]); x += 1 }
            }
        }
    }

    /// Planar rows to interleaved 16-bit codes, `Quantize.to16` per sample, in native or big-endian
    /// byte order (PNG's); `dst` need not be 2-byte aligned and `dstStride` counts bytes.
    static func interleave16(_ samples: UnsafePointer<Float>, planeSize: Int, width: Int, channels: Int,
                             srcRow: Int, rows: Int, into dst: UnsafeMutableRawPointer, dstStride: Int,
                             bigEndian: Bool) {
        let step = 2 * channels
        let (hi, lo) = bigEndian == (UInt16(1).bigEndian == 1) ? (1, 0) : (0, 1)  // byte offsets
        for r in 0..<rows {
            let s0 = (srcRow + r) * width
            for c in 0..<channels {
                let s = samples + c * planeSize + s0
                let d = dst.assumingMemoryBound(to: UInt8.self) + r * dstStride + 2 * c
                @inline(__always) func put(_ v: UInt32, _ x: Int) {
                    d[x * step + hi] = UInt8(truncatingIfNeeded: v >> 8); d[x * step + lo] = UInt8(truncatingIfNeeded: v)
                }
                var x = 0
                while x + 8 <= width {
                    let q = codes(UnsafeRawPointer(s + x).loadUnaligned(as: SIMD8<Float>.self), top: 65535)
                    for k in 0..<8 { put(q[k], x + k) }
                    x += 8
                }
                while x < width { put(UInt32(Quantize.to16(s[x])), x); x += 1 }
            }
        }
    }

    /// `Quantize` on eight lanes with float operations only (Swift's vector float → integer
    /// conversion is not vectorised): the same scale, clamp (NaN → 0) and `+ 0.5` as the scalar
    /// form, then truncation as floor by the 2²³ trick, exact because codes are below 2²².
    @inline(__always)
    private static func codes(_ v: SIMD8<Float>, top: Float) -> SIMD8<UInt32> {
        let s = v * top
        var q = s.replacing(with: 0, where: .!(s .> 0))
        q = q.replacing(with: top, where: q .>= top) + 0.5
        let magic = SIMD8<Float>(repeating: 8_388_608)  // 2²³: adding it rounds to an integer
        var t = q + magic
        t = t.replacing(with: t - 1, where: t - magic .> q)  // nearest → floor
        return unsafeBitCast(t, to: SIMD8<UInt32>.self) &- unsafeBitCast(magic, to: SIMD8<UInt32>.self)
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
