import RestoreColor
import RestoreCore
import RestoreLUT
import RestorePlugins

/// A LUT applied as a stage: parsed and compiled when the plan is made (a bad file fails
/// before any image is read), applied in the space it was built for, blended with the input
/// by `strength`.
struct LUTStage: Stage {
    let processor: LUTProcessor
    /// The space the LUT expects (nil: the values as they are, in the image's own profile).
    let space: ColorProfile?
    /// 0…1: 0 leaves the input, 1 is the full LUT.
    let strength: Float
    let file: String
    let kind: String

    var label: String { "\(kind) (\(file.split(separator: "/").last.map(String.init) ?? file))" }

    func encoding(channels: Int) -> ColorProfile? { space }
    func geometry() -> StageGeometry { StageGeometry() }

    func apply(to image: inout Image, context: StageContext) throws -> [String] {
        guard image.colorChannels == 3 else {
            throw OptionError(path: file, "LUTs apply to RGB images; this one is gray (convert it with --to srgb first)")
        }
        processor.apply(to: &image, strength: strength, threads: context.threads)
        return []
    }

    /// `lut: {file: PATH, space: SPACE, interp: tetrahedral|trilinear|nearest, strength: 0…1}`
    /// or `lut: {plugin: ID}` (a LUT plugin).
    static let kind = StageKind(nickname: .lut) { step, builder in
        let settings = try StepSettings(step, known: ["file", "space", "interp", "strength"])
        let file: String
        var space = settings.string("space")
        if let f = settings.string("file") { file = f }
        else if let id = step.plugin {
            let m = try builder.registry.plugin(id, for: .lut)
            builder.reads(m)
            file = m.files["lut"]!
            space = space ?? m.encoding
        } else { throw settings.fail("needs 'file' (or 'plugin', a lut plugin)") }
        return try make(file: file, space: space, settings: settings, kind: "lut", builder: builder)
    }

    static func make(file: String, space: String?, settings: StepSettings, kind: String, builder: StageBuilder) throws -> LUTStage {
        let interp = try settings.choice("interp", LUTInterpolation.self) ?? .tetrahedral
        let strength = try settings.number("strength", in: 0...1) ?? 1
        let profile = try space.map { s throws in try builder.space(s, step: settings.step) }
        builder.reads(file)
        let lut = try LUTLibrary.load(path: file)
        return LUTStage(processor: LUTProcessor(lut, interpolation: Interpolation(rawValue: interp.rawValue)!),
                        space: profile.map { Colorimetry.fitting($0, channels: 3) }, strength: Float(strength), file: file, kind: kind)
    }
}
