/// The colour spaces restore builds from their published primaries, white point and transfer
/// function (no profile files are shipped). Transfer functions are lcms2 parametric curves
/// that decode (encoded value → linear light).
public enum NamedSpace: String, Sendable, CaseIterable {
    /// IEC 61966-2-1 sRGB: Rec.709 primaries, D65, piecewise 2.4 curve.
    case srgb
    /// Rec.709 video as displayed: BT.709 primaries, D65, and the BT.1886 reference display's
    /// pure 2.4 gamma (black level 0), the usual grading-monitor encoding; the camera OETF is
    /// not used, as video is graded to what a BT.1886 display shows.
    case rec709
    /// Display P3: DCI-P3 primaries, D65, the sRGB curve.
    case displayP3 = "display-p3"
    /// Adobe RGB (1998): D65, pure gamma 563/256 ≈ 2.2.
    case adobeRGB = "adobe-rgb"
    /// ITU-R BT.2020 primaries, D65, the BT.709/2020 camera curve inverted (exponent 1/0.45 with
    /// a linear toe), as the usual Rec.2020 ICC profiles do.
    case rec2020
    /// ProPhoto (ROMM RGB, ISO 22028-2): D50, gamma 1.8 with the ROMM linear toe below 1/512.
    case prophoto
    /// Linear light with sRGB/Rec.709 primaries, D65.
    case linearSRGB = "linear-srgb"
    /// ACEScg (AP1 primaries, ACES white ≈ D60), linear.
    case acescg

    struct Definition {
        /// white x, y
        var white: (Double, Double)
        /// red, green, blue x, y
        var primaries: [(Double, Double)]
        /// lcms2 parametric curve type and parameters (decoding direction).
        var curveType: Int32
        var curve: [Double]
        var description: String
    }

    static let d65 = (0.3127, 0.3290)
    static let srgbCurve: [Double] = [2.4, 1 / 1.055, 0.055 / 1.055, 1 / 12.92, 0.04045]
    static let rec709Primaries = [(0.64, 0.33), (0.30, 0.60), (0.15, 0.06)]

    var definition: Definition {
        switch self {
        case .srgb:
            return Definition(white: Self.d65, primaries: Self.rec709Primaries, curveType: 4, curve: Self.srgbCurve,
                              description: "sRGB (restore built-in)")
        case .rec709:
            return Definition(white: Self.d65, primaries: Self.rec709Primaries, curveType: 1, curve: [2.4],
                              description: "Rec.709 / BT.1886 gamma 2.4 (restore built-in)")
        case .displayP3:
            return Definition(white: Self.d65, primaries: [(0.680, 0.320), (0.265, 0.690), (0.150, 0.060)],
                              curveType: 4, curve: Self.srgbCurve, description: "Display P3 (restore built-in)")
        case .adobeRGB:
            return Definition(white: Self.d65, primaries: [(0.64, 0.33), (0.21, 0.71), (0.15, 0.06)],
                              curveType: 1, curve: [563.0 / 256.0], description: "Adobe RGB (1998) compatible (restore built-in)")
        case .rec2020:
            return Definition(white: Self.d65, primaries: [(0.708, 0.292), (0.170, 0.797), (0.131, 0.046)],
                              curveType: 4, curve: [1 / 0.45, 1 / 1.099, 0.099 / 1.099, 1 / 4.5, 0.081],
                              description: "Rec.2020 (restore built-in)")
        case .prophoto:
            return Definition(white: (0.3457, 0.3585), primaries: [(0.7347, 0.2653), (0.1596, 0.8404), (0.0366, 0.0001)],
                              curveType: 4, curve: [1.8, 1, 0, 1.0 / 16.0, 1.0 / 32.0],
                              description: "ProPhoto RGB / ROMM (restore built-in)")
        case .linearSRGB:
            return Definition(white: Self.d65, primaries: Self.rec709Primaries, curveType: 1, curve: [1.0],
                              description: "Linear sRGB / Rec.709 (restore built-in)")
        case .acescg:
            return Definition(white: (0.32168, 0.33767), primaries: [(0.713, 0.293), (0.165, 0.830), (0.128, 0.044)],
                              curveType: 1, curve: [1.0], description: "ACEScg (restore built-in)")
        }
    }

    /// Accepts a few common spellings ("sRGB", "display_p3", "adobergb", "rec.2020", "linear").
    public init?(lenient name: String) {
        let key = String(name.lowercased().map { $0 == "_" ? "-" : $0 }.filter { $0 != "." })
        let aliases: [String: NamedSpace] = [
            "srgb": .srgb, "rec709": .rec709, "bt709": .rec709, "rec-709": .rec709, "bt1886": .rec709,
            "display-p3": .displayP3, "p3": .displayP3, "displayp3": .displayP3,
            "adobe-rgb": .adobeRGB, "adobergb": .adobeRGB, "adobe-rgb-1998": .adobeRGB,
            "rec2020": .rec2020, "bt2020": .rec2020, "rec-2020": .rec2020,
            "prophoto": .prophoto, "romm": .prophoto, "prophoto-rgb": .prophoto,
            "linear-srgb": .linearSRGB, "linear": .linearSRGB, "srgb-linear": .linearSRGB, "linear-rec709": .linearSRGB,
            "acescg": .acescg, "aces-cg": .acescg,
        ]
        guard let s = aliases[key] else { return nil }
        self = s
    }
}
