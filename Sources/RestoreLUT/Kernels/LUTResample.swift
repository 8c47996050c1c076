/// Resampling a LUT onto a new grid (`restore lut convert --size N`, Hald output).
public enum LUTResample {
    /// The whole LUT (1D part, then 3D part) sampled on an `size`³ grid over the input domain of
    /// its first part, tetrahedrally.
    public static func cube(_ lut: LUT, size: Int) -> LUT3D {
        let p = LUTProcessor(lut)
        let (lo, hi) = lut.domain
        return LUT3D.sampling(size: size, domainMin: lo, domainMax: hi) { p.evaluate($0) }
    }

    /// A 1D LUT sampled at `size` points over its domain.
    public static func oneD(_ l: LUT1D, size: Int) -> LUT1D {
        var v = [Float](repeating: 0, count: 3 * size)
        for i in 0..<size {
            for c in 0..<3 {
                let x = l.domainMin[c] + (l.domainMax[c] - l.domainMin[c]) * Float(i) / Float(size - 1)
                v[3 * i + c] = l.evaluate(x, channel: c)
            }
        }
        return LUT1D(size: size, values: v, domainMin: l.domainMin, domainMax: l.domainMax)
    }

    /// `lut` reshaped for a target: `size` resamples (cube for 3D targets, curve for 1D ones);
    /// a 1D-only target receives a 1D LUT, a 3D-only target a cube.
    /// Process lists (CLF, CDL) are baked into a cube (33³ unless `size`) for formats that hold
    /// only 1D and 3D parts.
    public static func reshape(_ lut: LUT, for format: LUTFormat, size: Int?) -> LUT {
        if format.holdsOperations { return lut }
        if lut.isProcessList {
            return LUT(title: lut.title, threeD: cube(lut, size: size ?? 33), format: lut.format)
        }
        var out = lut
        if format.holds3D && !format.holds1D || (format == .cube && size != nil && lut.threeD != nil) {
            if lut.oneD != nil || size != nil || lut.threeD == nil || !format.holdsDomain && !(lut.threeD!.domainMin == [0, 0, 0] && lut.threeD!.domainMax == [1, 1, 1]) {
                out = LUT(title: lut.title, threeD: cube(lut, size: size ?? lut.threeD?.size ?? 33), format: lut.format)
            }
        } else if format.holds1D && !format.holds3D {
            if let one = lut.oneD, lut.threeD == nil {
                out = LUT(title: lut.title, oneD: size.map { oneD(one, size: $0) } ?? one, format: lut.format)
            }
        } else if let s = size, let one = lut.oneD, lut.threeD == nil {
            out = LUT(title: lut.title, oneD: oneD(one, size: s), format: lut.format)
        }
        return out
    }
}
