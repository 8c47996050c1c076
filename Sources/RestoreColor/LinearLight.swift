import CLCMS2
#if canImport(Glibc)
import Glibc
#endif

/// What formats without ICC profiles need of a profile: its primaries and white (OpenEXR's
/// `chromaticities`), and the linear-light profile on the same primaries (OpenEXR holds
/// linear light by convention).
extension ColorProfile {
    /// White, red, green, blue (x, y), the order of `ColorHints.chromaticities`: a built-in
    /// space's published values; for an ICC matrix/TRC profile, its colorants and media white
    /// with the chromatic adaptation (`chad`) to the D50 connection space undone. Nil for
    /// other profiles.
    public var chromaticities: [Double]? {
        if let s = namedSpace {
            let d = s.definition
            let prim = d.scene?.primaries ?? d.primaries, white = d.scene?.white ?? d.white
            return [white.0, white.1] + prim.flatMap { [$0.0, $0.1] }
        }
        guard colorSpace == .rgb, cmsIsMatrixShaper(handle) != 0 else { return nil }
        var xyz: [[Double]] = []
        for tag in [cmsSigMediaWhitePointTag, cmsSigRedColorantTag, cmsSigGreenColorantTag, cmsSigBlueColorantTag] {
            guard let p = cmsReadTag(handle, tag) else { return nil }
            let v = p.assumingMemoryBound(to: cmsCIEXYZ.self).pointee
            xyz.append([v.X, v.Y, v.Z])
        }
        if let chad = cmsReadTag(handle, cmsSigChromaticAdaptationTag) {
            let m = Array(UnsafeBufferPointer(start: chad.assumingMemoryBound(to: Double.self), count: 9))
            let inv = SceneEncoding.invert(m)
            // A v4 profile's media white is D50; the source white is chad⁻¹ · D50.
            xyz[0] = [0.9642, 1.0, 0.8249]
            xyz = xyz.map { v in (0..<3).map { r in inv[3 * r] * v[0] + inv[3 * r + 1] * v[1] + inv[3 * r + 2] * v[2] } }
        }
        return xyz.flatMap { v -> [Double] in let s = v[0] + v[1] + v[2]; return s > 0 ? [v[0] / s, v[1] / s] : [0, 0] }
    }

    /// True when every transfer curve is the identity.
    public var isLinear: Bool {
        if scene != nil { return false }
        let tags = colorSpace == .gray ? [cmsSigGrayTRCTag] : [cmsSigRedTRCTag, cmsSigGreenTRCTag, cmsSigBlueTRCTag]
        for t in tags {
            guard let c = cmsReadTag(handle, t), cmsIsToneCurveLinear(OpaquePointer(c)) != 0 else { return false }
        }
        return true
    }

    /// The linear-light profile on this profile's primaries and white: itself when already
    /// linear; `linear-srgb` for sRGB and Rec.709; ACEScg for ACEScct/ACEScc; ACES2065-1 for
    /// the camera logs and Cineon; otherwise a copy with identity curves (matrix/TRC profiles
    /// only; nil for LUT-based ones).
    public var linearLight: ColorProfile? {
        if isLinear { return self }
        if let s = namedSpace {
            switch s {
            case .srgb, .rec709: return Self.named(.linearSRGB)
            case .acescct, .acescc: return Self.named(.acescg)
            default:
                if s.isSceneLog { return Self.named(.aces2065) }
                return BuiltIn.shared.linearProfile(s)
            }
        }
        guard colorSpace == .rgb, cmsIsMatrixShaper(handle) != 0, let c = chromaticities else { return nil }
        let def = NamedSpace.Definition(white: (c[0], c[1]), primaries: [(c[2], c[3]), (c[4], c[5]), (c[6], c[7])],
                                        curveType: 1, curve: [1], description: "Linear light of '\(name)'")
        return try? BuiltIn.makeRGB(def, named: nil)
    }
}
