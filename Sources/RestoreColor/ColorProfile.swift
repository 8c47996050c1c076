import CLCMS2
import CRestoreShims
import RestoreCore
#if canImport(Glibc)
import Glibc
#endif

/// The colour model a profile's device side describes.
public enum ProfileColorSpace: String, Sendable {
    case rgb, gray, cmyk, lab, other

    /// Colour channels of that model (0 when we don't handle it).
    public var channels: Int {
        switch self { case .rgb, .lab: return 3; case .gray: return 1; case .cmyk: return 4; case .other: return 0 }
    }
}

/// An ICC profile loaded into lcms2: from a file, from bytes embedded in an image, from a
/// built-in `NamedSpace`, or from PNG colorimetry chunks. Immutable; its bytes are what gets
/// embedded in outputs.
public final class ColorProfile: @unchecked Sendable {
    let handle: cmsHPROFILE
    private let context: cmsContext
    private let errors: UnsafeMutablePointer<rs_lcms_errors>
    /// The profile as ICC bytes, exactly as read (or as serialised for built-in spaces).
    public let iccData: [UInt8]
    /// The profile's description tag (ASCII), or "" when it has none.
    public let name: String
    public let colorSpace: ProfileColorSpace
    /// The built-in space this profile was made from, if any.
    public let namedSpace: NamedSpace?
    /// For a scene-referred log space: restore's own curve and matrix to ACES2065-1, which
    /// this profile (then AP0 linear) continues from.
    let scene: SceneEncoding?

    /// False for the log spaces restore evaluates itself: their `iccData` describes only the
    /// linear light lcms2 sees, so it is never embedded in an output.
    public var hasICCForm: Bool { scene == nil }

    private init(handle: cmsHPROFILE, context: cmsContext, errors: UnsafeMutablePointer<rs_lcms_errors>,
                 iccData: [UInt8], namedSpace: NamedSpace?) {
        self.handle = handle
        self.context = context
        self.errors = errors
        self.iccData = iccData
        self.namedSpace = namedSpace
        self.scene = namedSpace?.definition.scene.map(SceneEncoding.init)
        var buf = [CChar](repeating: 0, count: 256)
        let n = cmsGetProfileInfoASCII(handle, cmsInfoDescription, "en", "US", &buf, UInt32(buf.count))
        self.name = n > 0 ? buf.withUnsafeBufferPointer { String(cString: $0.baseAddress!) } : ""
        switch cmsGetColorSpace(handle) {
        case cmsSigRgbData: colorSpace = .rgb
        case cmsSigGrayData: colorSpace = .gray
        case cmsSigCmykData: colorSpace = .cmyk
        case cmsSigLabData: colorSpace = .lab
        default: colorSpace = .other
        }
    }

    deinit {
        cmsCloseProfile(handle)
        cmsDeleteContext(context)
        errors.deallocate()
    }

    /// Parses ICC bytes (e.g. embedded in an image). `path` only labels errors.
    public convenience init(iccData: [UInt8], path: String? = nil) throws(ColorError) {
        try self.init(iccData: iccData, path: path, namedSpace: nil)
    }

    private convenience init(iccData: [UInt8], path: String?, namedSpace: NamedSpace?) throws(ColorError) {
        if let problem = Self.structuralProblem(iccData) { throw ColorError(path: path, reason: .badProfile, detail: problem) }
        let errors = UnsafeMutablePointer<rs_lcms_errors>.allocate(capacity: 1)
        errors.initialize(to: rs_lcms_errors())
        guard let ctx = rs_lcms_context(errors) else {
            errors.deallocate()
            throw ColorError(path: path, reason: .badProfile, detail: "cannot create an lcms2 context")
        }
        let h = iccData.withUnsafeBytes { cmsOpenProfileFromMemTHR(ctx, $0.baseAddress, UInt32($0.count)) }
        guard let h else {
            let text = Self.text(errors)
            cmsDeleteContext(ctx)
            errors.deallocate()
            throw ColorError(path: path, reason: .badProfile, detail: text.isEmpty ? "lcms2 cannot parse \(iccData.count) bytes" : text)
        }
        self.init(handle: h, context: ctx, errors: errors, iccData: iccData, namedSpace: namedSpace)
    }

    /// Checks what lcms2 reads lazily and other readers (libpng) refuse: the header's size
    /// and every tag's offset and size against the bytes. Nil when the structure is sound.
    static func structuralProblem(_ b: [UInt8]) -> String? {
        func u32(_ at: Int) -> Int { Int(b[at]) << 24 | Int(b[at + 1]) << 16 | Int(b[at + 2]) << 8 | Int(b[at + 3]) }
        guard b.count >= 132 else { return "\(b.count) bytes, shorter than an ICC header and tag count" }
        let total = u32(0)
        guard total >= 132, total <= b.count else { return "the header says \(total) bytes, the profile has \(b.count)" }
        let tags = u32(128)
        guard tags <= (total - 132) / 12 else { return "\(tags) tags do not fit the profile" }
        for i in 0..<tags {
            let offset = u32(132 + 12 * i + 4), size = u32(132 + 12 * i + 8)
            guard offset >= 132, offset <= total, size <= total - offset else {
                return "tag \(i + 1) of \(tags) lies outside the profile (offset \(offset), \(size) bytes of \(total))"
            }
        }
        return nil
    }

    /// Loads an `.icc`/`.icm` file.
    public static func load(path: String) throws(ColorError) -> ColorProfile {
        switch FileBytes.read(path, limit: 64 << 20) {
        case .success(let data): return try ColorProfile(iccData: data, path: path)
        case .failure(let f): throw ColorError(path: path, reason: .badProfile, detail: f.reason)
        }
    }

    /// A built-in space, made once per process (RGB; see `grayCompanion` for gray images).
    public static func named(_ space: NamedSpace) -> ColorProfile { BuiltIn.shared.profile(space) }

    /// A gray profile with the same white and transfer curve as this built-in RGB space, used
    /// when gray images are tagged with or converted to a named space.
    public var grayCompanion: ColorProfile? { namedSpace.map { BuiltIn.shared.grayProfile($0) } }

    /// A space given on the command line: a built-in name or a path to an ICC file.
    public static func resolve(_ spec: String) throws(ColorError) -> ColorProfile {
        if let space = NamedSpace(lenient: spec) { return named(space) }
        if access(spec, R_OK) == 0 { return try load(path: spec) }
        let names = NamedSpace.allCases.map(\.rawValue).joined(separator: ", ")
        throw ColorError(reason: .unknownSpace, detail: "'\(spec)': not a built-in space (\(names)) nor a readable ICC file")
    }

    /// The profile colorimetry hints describe: sRGB when an sRGB chunk is present, otherwise
    /// gAMA (file gamma g → decoding exponent 1/g) with cHRM primaries (sRGB's when absent).
    /// Linear light (gamma 1, as OpenEXR's chromaticities) on the primaries of `linear-srgb`,
    /// `acescg` or `aces2065-1` (within 5e-4) is that built-in space. Nil when the hints say
    /// nothing usable.
    public static func fromHints(_ hints: ColorHints) -> ColorProfile? {
        if hints.srgbIntent != nil { return named(.srgb) }
        guard let g = hints.gamma, g > 0 else { return nil }
        var white = NamedSpace.d65
        var prim = NamedSpace.rec709Primaries
        if let c = hints.chromaticities, c.count == 8 {
            white = (c[0], c[1]); prim = [(c[2], c[3]), (c[4], c[5]), (c[6], c[7])]
        }
        if g == 1 {
            let xy = [white.0, white.1] + prim.flatMap { [$0.0, $0.1] }
            for space in [NamedSpace.linearSRGB, .acescg, .aces2065] {
                let d = space.definition
                let ref = [d.white.0, d.white.1] + d.primaries.flatMap { [$0.0, $0.1] }
                if zip(xy, ref).allSatisfy({ abs($0 - $1) < 5e-4 }) { return named(space) }
            }
        }
        let def = NamedSpace.Definition(white: white, primaries: prim, curveType: 1, curve: [1 / g],
                                        description: g == 1 ? "Linear light, chromaticities" : "PNG gAMA \(g) / cHRM")
        return try? BuiltIn.makeRGB(def, named: nil)
    }

    /// True when both profiles carry the same colorimetry, ignoring header dates and IDs; the
    /// pipeline skips transforms between such profiles.
    public func isEquivalent(to other: ColorProfile) -> Bool {
        if self === other { return true }
        if let a = namedSpace, let b = other.namedSpace { return a == b && colorSpace == other.colorSpace }
        guard iccData.count == other.iccData.count, iccData.count >= 128 else { return false }
        for i in 0..<iccData.count where !(24..<36).contains(i) && !(84..<100).contains(i) {
            if iccData[i] != other.iccData[i] { return false }
        }
        return true
    }

    static func text(_ e: UnsafeMutablePointer<rs_lcms_errors>) -> String {
        withUnsafeBytes(of: &e.pointee.text) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
    }

    /// Built-in profiles: made once, with a fixed creation date so outputs are reproducible.
    final class BuiltIn: @unchecked Sendable {
        static let shared = BuiltIn()
        private var rgb: [NamedSpace: ColorProfile] = [:]
        private var gray: [NamedSpace: ColorProfile] = [:]
        private var lock = pthread_mutex_t()
        init() { pthread_mutex_init(&lock, nil) }

        func profile(_ s: NamedSpace) -> ColorProfile {
            pthread_mutex_lock(&lock); defer { pthread_mutex_unlock(&lock) }
            if let p = rgb[s] { return p }
            // Built from constants: failure would be a programming error.
            let p = try! Self.makeRGB(s.definition, named: s)
            rgb[s] = p
            return p
        }

        private var linear: [NamedSpace: ColorProfile] = [:]

        /// The linear-light profile on a built-in display space's primaries (made once).
        func linearProfile(_ s: NamedSpace) -> ColorProfile? {
            pthread_mutex_lock(&lock); defer { pthread_mutex_unlock(&lock) }
            if let p = linear[s] { return p }
            let d = s.definition
            let def = NamedSpace.Definition(white: d.white, primaries: d.primaries, curveType: 1, curve: [1],
                                            description: "Linear " + d.description)
            guard let p = try? Self.makeRGB(def, named: nil) else { return nil }
            linear[s] = p
            return p
        }

        func grayProfile(_ s: NamedSpace) -> ColorProfile {
            pthread_mutex_lock(&lock); defer { pthread_mutex_unlock(&lock) }
            if let p = gray[s] { return p }
            let p = try! Self.makeGray(s.definition, named: s)
            gray[s] = p
            return p
        }

        static func makeRGB(_ d: NamedSpace.Definition, named: NamedSpace?) throws(ColorError) -> ColorProfile {
            var white = cmsCIExyY(x: d.white.0, y: d.white.1, Y: 1)
            var prim = cmsCIExyYTRIPLE(
                Red: cmsCIExyY(x: d.primaries[0].0, y: d.primaries[0].1, Y: 1),
                Green: cmsCIExyY(x: d.primaries[1].0, y: d.primaries[1].1, Y: 1),
                Blue: cmsCIExyY(x: d.primaries[2].0, y: d.primaries[2].1, Y: 1))
            guard let curve = d.curve.withUnsafeBufferPointer({ cmsBuildParametricToneCurve(nil, d.curveType, $0.baseAddress) })
            else { throw ColorError(reason: .badProfile, detail: "cannot build the tone curve of \(d.description)") }
            defer { cmsFreeToneCurve(curve) }
            var curves: [OpaquePointer?] = [curve, curve, curve]
            guard let h = curves.withUnsafeMutableBufferPointer({ cmsCreateRGBProfile(&white, &prim, $0.baseAddress) })
            else { throw ColorError(reason: .badProfile, detail: "lcms2 cannot build \(d.description)") }
            return try finish(h, description: d.description, named: named)
        }

        static func makeGray(_ d: NamedSpace.Definition, named: NamedSpace?) throws(ColorError) -> ColorProfile {
            guard let curve = d.curve.withUnsafeBufferPointer({ cmsBuildParametricToneCurve(nil, d.curveType, $0.baseAddress) })
            else { throw ColorError(reason: .badProfile, detail: "cannot build the tone curve of \(d.description)") }
            defer { cmsFreeToneCurve(curve) }
            guard let h = cmsCreateGrayProfile(cmsD50_xyY(), curve)
            else { throw ColorError(reason: .badProfile, detail: "lcms2 cannot build a gray \(d.description)") }
            return try finish(h, description: "Gray, " + d.description, named: named)
        }

        /// Sets description and a fixed date, serialises, and reopens from the bytes so that
        /// handle and bytes agree.
        private static func finish(_ h: cmsHPROFILE, description: String, named: NamedSpace?) throws(ColorError) -> ColorProfile {
            defer { cmsCloseProfile(h) }
            if let mlu = cmsMLUalloc(nil, 1) {
                cmsMLUsetASCII(mlu, "en", "US", description)
                cmsWriteTag(h, cmsSigProfileDescriptionTag, UnsafeRawPointer(mlu))
                cmsMLUfree(mlu)
            }
            if let mlu = cmsMLUalloc(nil, 1) {
                cmsMLUsetASCII(mlu, "en", "US", "No copyright, use freely")
                cmsWriteTag(h, cmsSigCopyrightTag, UnsafeRawPointer(mlu))
                cmsMLUfree(mlu)
            }
            cmsSetProfileVersion(h, 4.3)
            var size: UInt32 = 0
            guard cmsSaveProfileToMem(h, nil, &size) != 0, size > 128 else {
                throw ColorError(reason: .badProfile, detail: "cannot serialise \(description)")
            }
            var bytes = [UInt8](repeating: 0, count: Int(size))
            guard cmsSaveProfileToMem(h, &bytes, &size) != 0 else {
                throw ColorError(reason: .badProfile, detail: "cannot serialise \(description)")
            }
            // dateTimeNumber at offset 24: 2026-01-01 00:00:00 (big-endian UInt16s).
            let date: [UInt16] = [2026, 1, 1, 0, 0, 0]
            for (i, v) in date.enumerated() { bytes[24 + 2 * i] = UInt8(v >> 8); bytes[25 + 2 * i] = UInt8(v & 0xFF) }
            return try ColorProfile(iccData: bytes, path: nil, namedSpace: named)
        }
    }
}
