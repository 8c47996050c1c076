import RestoreCore

/// EXIF orientation (1…8) applied to pixels: the result is what a viewer would show.
enum Orientation {
    /// For output pixel (x, y) of the upright image, the source pixel. `w`/`h` are the source's.
    @inline(__always)
    static func source(_ o: Int, x: Int, y: Int, w: Int, h: Int) -> (Int, Int) {
        switch o {
        case 2: return (w - 1 - x, y)                 // mirror horizontal
        case 3: return (w - 1 - x, h - 1 - y)         // rotate 180
        case 4: return (x, h - 1 - y)                 // mirror vertical
        case 5: return (y, x)                         // transpose
        case 6: return (y, h - 1 - x)                 // rotate 90 CW
        case 7: return (w - 1 - y, h - 1 - x)         // transverse
        case 8: return (w - 1 - y, x)                 // rotate 270 CW
        default: return (x, y)
        }
    }

    static func apply(_ o: Int, to image: Image, threads: Int) -> Image {
        let w = image.width, h = image.height
        let (ow, oh) = o >= 5 ? (h, w) : (w, h)
        let ch = image.channels
        return image.samples.withUnsafeBufferPointer { sbuf in
            let s = SendableConstPointer(sbuf.baseAddress!)
            return Image(width: ow, height: oh, colorChannels: image.colorChannels, hasAlpha: image.hasAlpha,
                         metadata: image.metadata) { buf in
                let d = SendablePointer(buf.baseAddress!)
                parallelChunks(oh, grain: 32, threads: threads) { rows in
                    for y in rows {
                        for x in 0..<ow {
                            let (sx, sy) = source(o, x: x, y: y, w: w, h: h)
                            for c in 0..<ch {
                                d.base[c * ow * oh + y * ow + x] = s.base[c * w * h + sy * w + sx]
                            }
                        }
                    }
                }
            }
        }
    }
}
