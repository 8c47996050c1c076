import RestoreCore

/// Hald CLUT images: level L is an L³ × L³ image holding an L²-point cube, pixel index
/// `r + g·N + b·N²` in row-major order. The image itself is read and written by RestoreIO;
/// this converts between its pixels and a `LUT3D`.
public enum HaldCLUT {
    /// The cube a Hald image holds (any level 2…16, 8/16-bit or float).
    public static func lut(from image: Image, path: String? = nil) throws(LUTError) -> LUT {
        let w = image.width
        var level = 2
        while level * level * level < w { level += 1 }
        guard image.width == image.height, level * level * level == w, image.colorChannels == 3 else {
            throw LUTError(path: path, reason: .invalid,
                           expected: "a square RGB Hald image of side L³ (e.g. 512 for level 8), got \(image.width)x\(image.height) with \(image.colorChannels) colour channel(s)")
        }
        let n = level * level
        let plane = image.planeSize
        var values = [Float](repeating: 0, count: 3 * n * n * n)
        image.samples.withUnsafeBufferPointer { s in
            for i in 0..<(n * n * n) {
                values[3 * i] = s[i]; values[3 * i + 1] = s[plane + i]; values[3 * i + 2] = s[2 * plane + i]
            }
        }
        return LUT(threeD: LUT3D(size: n, values: values), format: "hald")
    }

    /// A Hald image of `level` (the LUT is resampled to level² points when its size differs).
    public static func image(from lut: LUT, level: Int? = nil, path: String? = nil) throws(LUTError) -> Image {
        guard let cube = lut.threeD ?? lut.oneD.map({ one in LUT3D.sampling(size: 33) { x in
            SIMD3(one.evaluate(x.x, channel: 0), one.evaluate(x.y, channel: 1), one.evaluate(x.z, channel: 2)) } }) else {
            throw LUTError(path: path, reason: .unsupported, expected: "a LUT to write")
        }
        var L = level ?? 2
        if level == nil { while L * L < cube.size && L < 16 { L += 1 } }
        let n = L * L
        let resampled = lut.oneD == nil && cube.size == n && cube.domainMin == [0, 0, 0] && cube.domainMax == [1, 1, 1]
            ? cube : LUTResample.cube(lut, size: n)
        let side = L * L * L
        return Image(width: side, height: side, colorChannels: 3, hasAlpha: false,
                     samples: (0..<3).flatMap { c in (0..<(n * n * n)).map { resampled.values[3 * $0 + c] } },
                     metadata: ImageMetadata(sampleFormat: .unsigned(bits: 16)))
    }
}
