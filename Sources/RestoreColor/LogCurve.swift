#if canImport(Glibc)
import Glibc
#endif

/// The transfer functions of scene-referred log encodings, evaluated by restore itself:
/// lcms2's ICC curves are bounded to 0…1 in linear light, and these encodings cover linear
/// values far above 1 (ACEScct 1.0 ≈ 222, LogC3 1.0 ≈ 55).
///
/// `decode` maps an encoded value (0…1 nominal, code value / (2^bits − 1), full range) to
/// linear scene light (1.0 = a perfect diffuse white, 0.18 = mid grey); `encode` is its
/// inverse. Both are defined for every finite input (linear segments continue below the
/// toe, log segments above 1); NaN decodes to 0. The constants are the manufacturers'
/// published ones (ACES S-2014-003/S-2016-001, ARRI, Sony, Panasonic and Canon white
/// papers, Kodak's Cineon 95/685/0.6), the same OpenColorIO's built-in transforms use.
public enum LogCurve: String, Sendable, CaseIterable {
    /// ACEScct: ACEScc with a linear toe below 0.0078125 linear.
    case acescct
    /// ACEScc: pure log2, (log2(x) + 9.72) / 17.52; 0 and below encode as 2^-16's value.
    case acescc
    /// ARRI LogC3 at exposure index 800 (ALEXA classic).
    case logC3
    /// ARRI LogC4 (ALEXA 35).
    case logC4
    /// Sony S-Log3.
    case sLog3
    /// Panasonic V-Log.
    case vLog
    /// Canon Log 3, scaled by 0.9 to scene reflectance as in Canon's ACES input transform.
    case canonLog3
    /// Kodak Cineon printing density: black 95, white 685 (10-bit codes), 0.002 density per
    /// code, negative gamma 0.6; 685 decodes to 1.0 and 95 to 0.
    case cineon

    /// Linear light → encoded value.
    public func encode(_ x: Float) -> Float {
        let v = Double(x.isNaN ? 0 : x)
        return Float(encode(v))
    }

    /// Encoded value → linear light.
    public func decode(_ y: Float) -> Float {
        let v = Double(y.isNaN ? 0 : y)
        return Float(decode(v))
    }

    func encode(_ x: Double) -> Double {
        switch self {
        case .acescct:
            return x <= 0.0078125 ? 10.5402377416545 * x + 0.0729055341958355 : (log2(x) + 9.72) / 17.52
        case .acescc:
            if x <= 0 { return (-16 + 9.72) / 17.52 }
            if x < 0x1p-15 { return (log2(0x1p-16 + x * 0.5) + 9.72) / 17.52 }
            return (log2(x) + 9.72) / 17.52
        case .logC3:
            let c = LogC3.self
            return x > c.cut ? c.c * log10(c.a * x + c.b) + c.d : c.e * x + c.f
        case .logC4:
            let c = LogC4.self
            return x >= c.t ? (log2(c.a * x + 64) - 6) / 14 * c.b + c.c : (x - c.t) / c.s
        case .sLog3:
            return x >= 0.01125 ? (420 + log10((x + 0.01) / 0.19) * 261.5) / 1023
                : (x * (171.2102946929 - 95) / 0.01125 + 95) / 1023
        case .vLog:
            return x < 0.01 ? 5.6 * x + 0.125 : 0.241514 * log10(x + 0.00873) + 0.598206
        case .canonLog3:
            let r = x / 0.9
            if r < -0.014 { return -0.36726845 * log10(1 - 14.98325 * r) + 0.12783901 }
            if r <= 0.014 { return 1.9754798 * r + 0.12512219 }
            return 0.36726845 * log10(14.98325 * r + 1) + 0.12240537
        case .cineon:
            let c = Cineon.self
            return (c.white + c.gamma / c.density * log10(Swift.max(x * (1 - c.offset) + c.offset, 1e-30))) / 1023
        }
    }

    func decode(_ y: Double) -> Double {
        switch self {
        case .acescct:
            return y <= 0.155251141552511 ? (y - 0.0729055341958355) / 10.5402377416545 : exp2(y * 17.52 - 9.72)
        case .acescc:
            return y < (9.72 - 15) / 17.52 ? (exp2(y * 17.52 - 9.72) - 0x1p-16) * 2 : exp2(y * 17.52 - 9.72)
        case .logC3:
            let c = LogC3.self
            return y > c.e * c.cut + c.f ? (pow(10, (y - c.d) / c.c) - c.b) / c.a : (y - c.f) / c.e
        case .logC4:
            let c = LogC4.self
            return y >= 0 ? (exp2(14 * (y - c.c) / c.b + 6) - 64) / c.a : y * c.s + c.t
        case .sLog3:
            return y >= 171.2102946929 / 1023 ? pow(10, (y * 1023 - 420) / 261.5) * 0.19 - 0.01
                : (y * 1023 - 95) * 0.01125 / (171.2102946929 - 95)
        case .vLog:
            return y < 0.181 ? (y - 0.125) / 5.6 : pow(10, (y - 0.598206) / 0.241514) - 0.00873
        case .canonLog3:
            let r: Double
            if y < 0.097465473 { r = -(pow(10, (0.12783901 - y) / 0.36726845) - 1) / 14.98325 }
            else if y <= 0.15277891 { r = (y - 0.12512219) / 1.9754798 }
            else { r = (pow(10, (y - 0.12240537) / 0.36726845) - 1) / 14.98325 }
            return 0.9 * r
        case .cineon:
            let c = Cineon.self
            return (pow(10, (y * 1023 - c.white) * c.density / c.gamma) - c.offset) / (1 - c.offset)
        }
    }

    /// Decodes `count` samples from `src` into `dst` (which may be `src`).
    func decode(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { dst[i] = decode(src[i]) }
    }

    /// Encodes `count` samples in place.
    func encode(_ buf: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { buf[i] = encode(buf[i]) }
    }

    private enum LogC3 {
        static let cut = 0.010591, a = 5.555556, b = 0.052272, c = 0.247190, d = 0.385537, e = 5.367655, f = 0.092809
    }
    private enum LogC4 {
        static let a = (262_144.0 - 16) / 117.45, b = (1023.0 - 95) / 1023, c = 95.0 / 1023
        static let s = 7 * M_LN2 * exp2(7 - 14 * c / b) / (a * b)
        static let t = (exp2(14 * -c / b + 6) - 64) / a
    }
    private enum Cineon {
        static let white = 685.0, black = 95.0, density = 0.002, gamma = 0.6
        static let offset = pow(10, (black - white) * density / gamma)
    }
}
