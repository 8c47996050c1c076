/// The colour spaces restore builds from their published primaries, white point and transfer
/// function (no profile files are shipped).
///
/// Display-referred spaces (and the linear ones) are ICC profiles whose transfer functions
/// are lcms2 parametric curves that decode (encoded value → linear light). Scene-referred log
/// spaces (`acescct`, the camera logs, `cineon-log`) are computed by restore itself: a
/// `LogCurve`, then a matrix into ACES2065-1 built from the space's primaries with the
/// chromatic adaptation OpenColorIO's studio config uses (see `SceneEncoding`); lcms2 carries
/// them on from ACES2065-1 linear light, unbounded. Each agrees with OpenColorIO's
/// `ocio://studio-config-latest` within 2e-4 (`NamedSpaceOCIOTests`).
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
    /// ACES2065-1 (AP0 primaries, ACES white), linear: the ACES interchange encoding.
    case aces2065 = "aces2065-1"
    /// ACEScct (AP1, the ACEScct log curve with its linear toe): the usual grading space.
    case acescct
    /// ACEScc (AP1, pure log2). ACES2065-1 values are floored at 0 both ways (the Academy's CTL).
    case acescc
    /// ARRI LogC3 (EI 800) with ARRI Wide Gamut 3 primaries.
    case arriLogC3 = "arri-logc3"
    /// ARRI LogC4 with ARRI Wide Gamut 4 primaries.
    case arriLogC4 = "arri-logc4"
    /// Sony S-Log3 with S-Gamut3.Cine primaries.
    case slog3SGamut3Cine = "slog3-sgamut3cine"
    /// Panasonic V-Log with V-Gamut primaries.
    case vlog
    /// Canon Log 3 with Cinema Gamut primaries (D65). OpenColorIO clamps encoded values to
    /// 0…1 for this space; restore extends the curve.
    case canonlog3
    /// Kodak Cineon printing-density log (95/685, gamma 0.6; `LogCurve.cineon`) on Rec.709
    /// primaries: how DPX scans are usually encoded.
    case cineonLog = "cineon-log"

    struct Definition {
        /// white x, y
        var white: (Double, Double)
        /// red, green, blue x, y
        var primaries: [(Double, Double)]
        /// lcms2 parametric curve type and parameters (decoding direction).
        var curveType: Int32
        var curve: [Double]
        var description: String
        /// For scene-referred log spaces: the curve, and how the primaries adapt to the ACES
        /// white. The ICC profile is then AP0 linear (`curveType` 1, `[1]`).
        var scene: SceneEncoding.Definition? = nil
    }

    static let d65 = (0.3127, 0.3290)
    static let srgbCurve: [Double] = [2.4, 1 / 1.055, 0.055 / 1.055, 1 / 12.92, 0.04045]
    static let rec709Primaries = [(0.64, 0.33), (0.30, 0.60), (0.15, 0.06)]
    static let acesWhite = (0.32168, 0.33767)
    static let ap0 = [(0.7347, 0.2653), (0.0, 1.0), (0.0001, -0.0770)]
    static let ap1 = [(0.713, 0.293), (0.165, 0.830), (0.128, 0.044)]

    /// A log space: carried by lcms2 as ACES2065-1 linear light, described as `description`.
    private static func log(_ curve: LogCurve, _ primaries: [(Double, Double)], white: (Double, Double) = d65,
                            _ adaptation: SceneEncoding.Adaptation, _ description: String, floorsACES: Bool = false) -> Definition {
        Definition(white: acesWhite, primaries: ap0, curveType: 1, curve: [1.0],
                   description: description + " (restore built-in; lcms2 sees its ACES2065-1 linear light)",
                   scene: SceneEncoding.Definition(curve: curve, primaries: primaries, white: white, adaptation: adaptation,
                                                  floorsACES: floorsACES))
    }

    /// True for the log spaces restore evaluates itself (no ICC form: outputs are untagged).
    public var isSceneLog: Bool { definition.scene != nil }

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
            return Definition(white: Self.acesWhite, primaries: Self.ap1, curveType: 1, curve: [1.0],
                              description: "ACEScg (restore built-in)")
        case .aces2065:
            return Definition(white: Self.acesWhite, primaries: Self.ap0, curveType: 1, curve: [1.0],
                              description: "ACES2065-1 (restore built-in)")
        case .acescct:
            return Self.log(.acescct, Self.ap1, white: Self.acesWhite, .none, "ACEScct")
        case .acescc:
            return Self.log(.acescc, Self.ap1, white: Self.acesWhite, .none, "ACEScc", floorsACES: true)
        case .arriLogC3:
            return Self.log(.logC3, [(0.6840, 0.3130), (0.2210, 0.8480), (0.0861, -0.1020)], .cat02, "ARRI LogC3 (EI800) AWG3")
        case .arriLogC4:
            return Self.log(.logC4, [(0.7347, 0.2653), (0.1424, 0.8576), (0.0991, -0.0308)], .cat02, "ARRI LogC4 AWG4")
        case .slog3SGamut3Cine:
            return Self.log(.sLog3, [(0.766, 0.275), (0.225, 0.800), (0.089, -0.087)], .cat02, "Sony S-Log3 S-Gamut3.Cine")
        case .vlog:
            return Self.log(.vLog, [(0.730, 0.280), (0.165, 0.840), (0.100, -0.030)], .bradford, "Panasonic V-Log V-Gamut")
        case .canonlog3:
            return Self.log(.canonLog3, [(0.74, 0.27), (0.17, 1.14), (0.08, -0.10)], .cat02, "Canon Log 3 Cinema Gamut")
        case .cineonLog:
            return Self.log(.cineon, Self.rec709Primaries, .bradford, "Cineon log (95/685, 0.6), Rec.709 primaries")
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
            "aces2065-1": .aces2065, "aces": .aces2065, "ap0": .aces2065, "aces2065": .aces2065,
            "acescct": .acescct, "acescc": .acescc,
            "arri-logc3": .arriLogC3, "logc3": .arriLogC3, "logc": .arriLogC3, "alexa-logc": .arriLogC3,
            "arri-logc4": .arriLogC4, "logc4": .arriLogC4,
            "slog3-sgamut3cine": .slog3SGamut3Cine, "slog3": .slog3SGamut3Cine, "s-log3": .slog3SGamut3Cine,
            "slog3-sgamut3-cine": .slog3SGamut3Cine,
            "vlog": .vlog, "v-log": .vlog, "vlog-vgamut": .vlog,
            "canonlog3": .canonlog3, "clog3": .canonlog3, "canon-log3": .canonlog3, "canon-log-3": .canonlog3,
            "cineon-log": .cineonLog, "cineon": .cineonLog, "printing-density": .cineonLog,
        ]
        guard let s = aliases[key] else { return nil }
        self = s
    }
}
