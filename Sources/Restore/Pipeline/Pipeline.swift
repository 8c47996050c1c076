import RestoreColor
import RestorePlugins

/// Turns a `Request` into a `Plan`: the preset and overrides are resolved into steps, every
/// setting is range-checked, plugins, LUTs and profiles are resolved, all before any image is
/// opened or any network loaded.
public enum Pipeline {
    /// Ranges every request and config value is checked against.
    public static let scales = 1...8
    public static let threads = 1...1024
    public static let tiles = 8...16384
    public static let memoryMB = 16...(1 << 20)
    public static let jpegQualities = 1...100
    public static let megapixels = 1...4096

    /// Plans `request` on `environment` (config and plugins). Throws `OptionError` (exit 2)
    /// for a value out of range or a stage that cannot run, naming the flag or the config line.
    public static func plan(_ request: Request, environment: RestoreEnvironment) throws -> Plan {
        func check(_ ok: Bool, _ text: @autoclosure () -> String) throws(OptionError) { if !ok { throw OptionError(text()) } }
        try check(threads.contains(request.threads), "--threads must be from 1 to \(threads.upperBound), got \(request.threads)")
        if let t = request.tile { try check(tiles.contains(t), "--tile must be from \(tiles.lowerBound) to \(tiles.upperBound) pixels, got \(t)") }
        try check(memoryMB.contains(request.maxMemoryMB),
                  "--max-memory must be from \(memoryMB.lowerBound) to \(memoryMB.upperBound) MB, got \(request.maxMemoryMB)")
        if let t = request.exrTile { try check((16...4096).contains(t), "--exr-tile must be from 16 to 4096, got \(t)") }
        try check(jpegQualities.contains(request.jpegQuality), "--quality must be from 1 to 100, got \(request.jpegQuality)")
        if let part = request.part { try check((0...4095).contains(part), "--part must be from 0 to 4095, got \(part)") }
        if let layer = request.layer { try check(!layer.isEmpty && layer.utf8.count <= 255, "--layer must be 1 to 255 bytes") }
        try check(megapixels.contains(request.maxMegapixels), "--max-megapixels must be from 1 to 4096, got \(request.maxMegapixels)")

        let steps = try self.steps(for: request, config: environment.config)
        let builder = StageBuilder(environment: environment, threads: request.threads)
        if let c = environment.config.path { builder.reads(c) }
        let stages = try steps.map { step throws -> any Stage in try StageKind.named(step.stage).build(step, builder) }
        let target = try request.outputProfile.map { s throws(ColorError) in try ColorProfile.resolve(s) }
        let assumed = try request.assumeProfile.map { s throws(ColorError) in try ColorProfile.resolve(s) }
        for s in [request.outputProfile, request.assumeProfile].compactMap({ $0 }) where NamedSpace(lenient: s) == nil { builder.reads(s) }
        for w in builder.writtenFiles { for r in builder.readFiles { try PathSafety.checkDistinct(input: r, output: w) } }
        return Plan(stages: stages, request: request, target: target, assumed: assumed, readFiles: builder.readFiles,
                    writtenFiles: builder.writtenFiles)
    }

    /// The steps `request` asks for: its explicit steps, or its preset with the overrides
    /// applied. Precedence: the preset's steps are the base; `denoise` off removes its denoise
    /// steps, auto or a σ sets (or adds, first) one; `scale` 1 removes upscaling, N sets (or
    /// adds, after denoising) an upscale step; `grade` off removes grading, auto or match:REF
    /// sets (or adds, last) a grade step; `luts` are appended; `model` replaces the plugin of the upscale step when there
    /// is one, else of the denoise step.
    static func steps(for request: Request, config: Config) throws -> [PresetStep] {
        if let explicit = request.steps {
            return try explicit.map { s throws(OptionError) in
                guard let stage = PluginManifest.Stage(rawValue: s.stage) else {
                    throw OptionError("unknown stage '\(s.stage)' (stages: \(PluginManifest.Stage.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                return PresetStep(stage: stage, plugin: s.plugin, settings: s.settings)
            }
        }
        var steps = try config.preset(request.preset).steps
        switch request.denoise {
        case nil: break
        case "off": steps.removeAll { $0.stage == .denoise }
        case let sigma?:
            if let i = steps.firstIndex(where: { $0.stage == .denoise }) { steps[i].settings["sigma"] = sigma; steps[i].path = nil; steps[i].line = nil }
            else { steps.insert(PresetStep(stage: .denoise, settings: ["sigma": sigma]), at: 0) }
        }
        if let scale = request.scale {
            guard scales.contains(scale) else { throw OptionError("--scale must be an integer from 1 to 8, got \(scale)") }
            if scale == 1 { steps.removeAll { $0.stage == .upscale } }
            else if let i = steps.firstIndex(where: { $0.stage == .upscale }) { steps[i].settings["scale"] = String(scale) }
            else {
                let after = (steps.lastIndex { $0.stage == .denoise }).map { $0 + 1 } ?? 0
                steps.insert(PresetStep(stage: .upscale, settings: ["scale": String(scale)]), at: after)
            }
        }
        switch request.grade {
        case nil: break
        case "off": steps.removeAll { $0.stage == .grade }
        case let g? where g == "auto" || g.hasPrefix("match:"):
            var settings = ["mode": g == "auto" ? "auto" : "match"]
            if g != "auto" {
                let ref = String(g.dropFirst(6))
                guard !ref.isEmpty else { throw OptionError("--grade match:REF needs a reference image after 'match:'") }
                settings["reference"] = ref
            }
            if let i = steps.firstIndex(where: { $0.stage == .grade }) {
                steps[i].settings.merge(settings) { _, new in new }
                if g == "auto" { steps[i].settings["reference"] = nil }
                steps[i].path = nil; steps[i].line = nil
            } else { steps.append(PresetStep(stage: .grade, settings: settings)) }
        case let g?: throw OptionError("--grade must be off, auto or match:REF, got '\(g)'")
        }
        for l in request.luts { steps.append(PresetStep(stage: .lut, plugin: l.plugin, settings: l.settings)) }
        if let model = request.model {
            guard let i = steps.firstIndex(where: { $0.stage == .upscale }) ?? steps.firstIndex(where: { $0.stage == .denoise }) else {
                throw OptionError("--model needs an upscale or denoise step (add --scale N or --denoise auto)")
            }
            steps[i].plugin = model
        }
        return steps
    }
}
