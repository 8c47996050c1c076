/// How a scene-referred log space (`NamedSpace.isSceneLog`) reaches the ACES2065-1 linear
/// light lcms2 works in: its `LogCurve` decodes to linear light on the space's own
/// primaries, and a 3×3 matrix (primaries → XYZ, chromatic adaptation to the ACES white,
/// XYZ → AP0) takes that to ACES2065-1. Encoding runs the inverse. Immutable.
struct SceneEncoding: Sendable {
    /// How the space's white is adapted to the ACES white: as OpenColorIO's built-in camera
    /// transforms do (CAT02 for ARRI, Sony and Canon; Bradford for Panasonic), or not at all
    /// when the whites agree (ACEScct/ACEScc on AP1).
    enum Adaptation: Sendable { case none, bradford, cat02 }

    struct Definition: Sendable {
        var curve: LogCurve
        /// red, green, blue x, y
        var primaries: [(Double, Double)]
        var white: (Double, Double)
        var adaptation: Adaptation
        /// ACEScc only: ACES2065-1 values are floored at 0 both ways, as the Academy's CTL
        /// and OpenColorIO do.
        var floorsACES = false
    }

    let curve: LogCurve
    let floorsACES: Bool
    /// Space linear → AP0 linear, and back; row-major.
    let toACES: [Float]
    let fromACES: [Float]

    init(_ d: Definition) {
        curve = d.curve
        floorsACES = d.floorsACES
        let src = Self.rgbToXYZ(d.primaries, white: d.white)
        let dst = Self.rgbToXYZ(NamedSpace.ap0, white: NamedSpace.acesWhite)
        let adapt = Self.adaptation(d.adaptation, from: d.white, to: NamedSpace.acesWhite)
        let m = Self.multiply(Self.invert(dst), Self.multiply(adapt, src))
        toACES = m.map { Float($0) }
        fromACES = Self.invert(m).map { Float($0) }
    }

    /// Decodes and converts `count` pixels of three planes (`stride` apart) from `src` into
    /// `dst` (three planes `dstStride` apart); NaN reads as 0.
    func toLinearACES(_ src: UnsafePointer<Float>, stride: Int, _ dst: UnsafeMutablePointer<Float>, dstStride: Int, count: Int) {
        let m = toACES
        for i in 0..<count {
            let r = curve.decode(src[i]), g = curve.decode(src[stride + i]), b = curve.decode(src[2 * stride + i])
            dst[i] = m[0] * r + m[1] * g + m[2] * b
            dst[dstStride + i] = m[3] * r + m[4] * g + m[5] * b
            dst[2 * dstStride + i] = m[6] * r + m[7] * g + m[8] * b
            if floorsACES { for c in 0..<3 { dst[c * dstStride + i] = Swift.max(0, dst[c * dstStride + i]) } }
        }
    }

    /// Converts `count` pixels of ACES2065-1 linear light (three planes `stride` apart) into
    /// this encoding, in place.
    func fromLinearACES(_ buf: UnsafeMutablePointer<Float>, stride: Int, count: Int) {
        let m = fromACES
        for i in 0..<count {
            var r = buf[i], g = buf[stride + i], b = buf[2 * stride + i]
            if floorsACES { r = Swift.max(0, r); g = Swift.max(0, g); b = Swift.max(0, b) }
            buf[i] = curve.encode(m[0] * r + m[1] * g + m[2] * b)
            buf[stride + i] = curve.encode(m[3] * r + m[4] * g + m[5] * b)
            buf[2 * stride + i] = curve.encode(m[6] * r + m[7] * g + m[8] * b)
        }
    }

    /// The normalised primary matrix (RGB → XYZ, Y of white = 1), row-major.
    static func rgbToXYZ(_ p: [(Double, Double)], white: (Double, Double)) -> [Double] {
        func xyz(_ c: (Double, Double)) -> [Double] { [c.0 / c.1, 1, (1 - c.0 - c.1) / c.1] }
        let cols = p.map(xyz)
        let pm = [cols[0][0], cols[1][0], cols[2][0], cols[0][1], cols[1][1], cols[2][1], cols[0][2], cols[1][2], cols[2][2]]
        let w = xyz(white), inv = invert(pm)
        let s = (0..<3).map { r in inv[3 * r] * w[0] + inv[3 * r + 1] * w[1] + inv[3 * r + 2] * w[2] }
        return (0..<9).map { pm[$0] * s[$0 % 3] }
    }

    /// A von Kries adaptation in the Bradford or CAT02 cone space, XYZ → XYZ.
    static func adaptation(_ kind: Adaptation, from ws: (Double, Double), to wd: (Double, Double)) -> [Double] {
        let cone: [Double]
        switch kind {
        case .none: return [1, 0, 0, 0, 1, 0, 0, 0, 1]
        case .bradford: cone = [0.8951, 0.2664, -0.1614, -0.7502, 1.7135, 0.0367, 0.0389, -0.0685, 1.0296]
        case .cat02: cone = [0.7328, 0.4296, -0.1624, -0.7036, 1.6975, 0.0061, 0.0030, 0.0136, 0.9834]
        }
        func lms(_ c: (Double, Double)) -> [Double] {
            let x = [c.0 / c.1, 1, (1 - c.0 - c.1) / c.1]
            return (0..<3).map { r in cone[3 * r] * x[0] + cone[3 * r + 1] * x[1] + cone[3 * r + 2] * x[2] }
        }
        let s = lms(ws), d = lms(wd)
        let scale = [d[0] / s[0], 0, 0, 0, d[1] / s[1], 0, 0, 0, d[2] / s[2]]
        return multiply(invert(cone), multiply(scale, cone))
    }

    static func multiply(_ a: [Double], _ b: [Double]) -> [Double] {
        (0..<9).map { i in let r = i / 3, c = i % 3; return a[3 * r] * b[c] + a[3 * r + 1] * b[3 + c] + a[3 * r + 2] * b[6 + c] }
    }

    /// The inverse of a 3×3 matrix built from published constants (never singular).
    static func invert(_ m: [Double]) -> [Double] {
        let a = m[0], b = m[1], c = m[2], d = m[3], e = m[4], f = m[5], g = m[6], h = m[7], i = m[8]
        let det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g)
        return [(e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det,
                (f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det,
                (d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det]
    }
}
