import RestoreColor
import RestoreNN
import RestorePlugins

/// The kinds whose work is whatever their plugin is (`grade`, `filter`): a model plugin runs
/// as a network, a LUT plugin as a LUT, a native plugin through the C ABI. Settings are the
/// plugin's parameters (`strength` for LUT plugins).
enum PluginStages {
    static let gradeKind = StageKind(nickname: .grade) { step, builder in try build(step, builder) }
    static let filterKind = StageKind(nickname: .filter) { step, builder in try build(step, builder) }

    static func build(_ step: PresetStep, _ builder: StageBuilder) throws -> any Stage {
        guard let id = step.plugin ?? builder.ranked(step.stage).first?.id else { throw builder.missing(step.stage, step: step) }
        let m = try builder.plugin(id, for: step.stage)
        let kind = step.stage.rawValue
        switch m.kind {
        case .model where m.stage == .grade && m.architecture == Architecture.gradeLUT.rawValue:
            return try GradeStage.build(step, m, builder)
        case .model:
            _ = try StepSettings(step, known: [])
            return NetworkStage(kind: kind, model: try Model.of(m, builder: builder), scale: nil)
        case .lut:
            let settings = try StepSettings(step, known: ["strength", "interp"])
            return try LUTStage.make(file: m.files["lut"]!, space: m.encoding, settings: settings, kind: kind, builder: builder)
        case .native:
            var values: [String: Double] = [:]
            let settings = try StepSettings(step, known: nil)
            for key in step.settings.keys {
                guard let v = Double(step.settings[key]!), v.isFinite else {
                    throw settings.fail("'\(key)' must be a number, got '\(step.settings[key]!)'")
                }
                values[key] = v
            }
            let plugin = try NativePlugin(m, searchDirectories: DataPaths.executableDirectory.map { [$0] } ?? [])
            builder.reads(m)
            let encoding = try m.encoding.map { e throws in try builder.space(e, step: step) }
            return NativeStage(kind: kind, plugin: plugin, parameters: try plugin.parameterValues(values), encodingProfile: encoding)
        }
    }
}
