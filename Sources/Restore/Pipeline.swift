import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The config and the plugins a run uses.
public struct RestoreEnvironment: Sendable {
    public var config: Config
    public var registry: PluginRegistry
    /// Non-fatal problems: unknown config keys, skipped plugins.
    public var warnings: [String] { config.warnings + registry.warnings }

    /// The bundled plugin folders: `Plugins/` of the data root and the fetched third-party
    /// models' plugins (`.cache/plugins`, made by Tools/fetch_models.sh).
    public static var bundledPluginPaths: [String] {
        guard let root = DataPaths.root() else { return [] }
        return [root + "/Plugins", root + "/.cache/plugins"]
    }

    public init(config: Config) {
        self.config = config
        registry = PluginRegistry(paths: config.pluginPaths)
    }

    /// Discovers the config (`--config`, `$RESTORE_CONFIG`, `./restore.yaml`,
    /// `$XDG_CONFIG_HOME/restore/config.yaml`, built-in) and scans its plugin paths.
    public static func load(config explicit: String? = nil) throws(PluginError) -> RestoreEnvironment {
        var env: [String: String] = [:]
        for key in ["RESTORE_CONFIG", "XDG_CONFIG_HOME", "HOME"] { if let v = getenv(key) { env[key] = String(cString: v) } }
        return RestoreEnvironment(config: try Config.discover(explicit: explicit, environment: env, bundled: bundledPluginPaths))
    }
}

/// What the command line asks of the pipeline on top of a preset. Precedence: the preset's
/// steps are the base; `denoise` off removes its denoise steps, auto or a σ sets (or adds, first)
/// one; `scale` 1 removes upscaling, N sets (or adds, after denoising) an upscale step; `grade`
/// off removes grading, auto adds a grade step; `luts` are appended; `model` replaces the
/// plugin of the upscale step when there is one, else of the denoise step.
public struct PipelineRequest: Sendable {
    public var preset: String?
    /// auto | off | σ in 8-bit levels.
    public var denoise: String?
    public var scale: Int?
    /// off | auto.
    public var grade: String?
    public var luts: [(path: String, options: LUTApplyOptions)] = []
    /// A plugin id, an ncnn `.param`, or a plugin folder.
    public var model: String?
    public var tiling = TilingOptions()
    public init() {}

    /// The preset's steps with the overrides applied.
    public func steps(from preset: Preset) throws(OptionError) -> [PresetStep] {
        var steps = preset.steps
        switch denoise {
        case nil: break
        case "off": steps.removeAll { $0.stage == .denoise }
        case let sigma?:
            guard sigma == "auto" || Double(sigma).map({ $0 >= 0 && $0 <= 255 }) == true else {
                throw OptionError("--denoise must be auto, off or a σ in 8-bit levels (0-255), got '\(sigma)'")
            }
            if let i = steps.firstIndex(where: { $0.stage == .denoise }) { steps[i].settings["sigma"] = sigma }
            else { steps.insert(PresetStep(stage: .denoise, settings: ["sigma": sigma]), at: 0) }
        }
        if let scale {
            guard (1...16).contains(scale) else { throw OptionError("--scale must be 1-16, got \(scale)") }
            if scale == 1 { steps.removeAll { $0.stage == .upscale } }
            else if let i = steps.firstIndex(where: { $0.stage == .upscale }) { steps[i].settings["scale"] = String(scale) }
            else {
                let after = (steps.lastIndex { $0.stage == .denoise }).map { $0 + 1 } ?? 0
                steps.insert(PresetStep(stage: .upscale, settings: ["scale": String(scale)]), at: after)
            }
        }
        switch grade {
        case nil: break
        case "off": steps.removeAll { $0.stage == .grade }
        case "auto": if !steps.contains(where: { $0.stage == .grade }) { steps.append(PresetStep(stage: .grade)) }
        case let g?: throw OptionError("--grade must be off or auto, got '\(g)'")
        }
        for l in luts {
            var settings = ["file": l.path, "strength": String(l.options.strength), "interp": l.options.interpolation.rawValue]
            settings["space"] = l.options.space
            steps.append(PresetStep(stage: .lut, settings: settings))
        }
        if let model {
            if let i = steps.firstIndex(where: { $0.stage == .upscale }) ?? steps.firstIndex(where: { $0.stage == .denoise }) {
                steps[i].plugin = model
            } else {
                throw OptionError("--model needs an upscale or denoise step (add --scale N or --denoise auto)")
            }
        }
        return steps
    }
}

/// A network named by a plugin or a file, loaded when first needed.
public struct ModelChoice: Sendable {
    /// The plugin id, or the file as given.
    public var label: String
    public var manifest: PluginManifest?
    public var path: String

    /// `reference` is a plugin id, an ncnn `.param` file, or a plugin folder.
    public static func resolve(_ reference: String, registry: PluginRegistry, stage: PluginManifest.Stage?) throws -> ModelChoice {
        if reference.hasSuffix(".param") || reference.hasSuffix(".onnx") || reference.hasSuffix(".safetensors") {
            guard access(reference, R_OK) == 0 else { throw NNError(path: reference, reason: .unreadable, detail: "model file not found") }
            return ModelChoice(label: reference, manifest: nil, path: reference)
        }
        if access(reference + "/plugin.yaml", F_OK) == 0 { return try choice(PluginManifest.load(folder: reference)) }
        return try choice(registry.plugin(reference, for: stage))
    }

    static func choice(_ m: PluginManifest) throws -> ModelChoice {
        guard m.kind == .model, let p = m.files["param"] ?? m.files["model"] ?? m.files["weights"] else {
            throw PluginError(path: m.manifestPath, reason: .invalid, "plugin '\(m.id)' is a \(m.kind.rawValue) plugin, not a model")
        }
        return ModelChoice(label: m.id, manifest: m, path: p)
    }

    /// Loads the network on the best backend.
    public func load(threads: Int) throws -> any Network {
        switch manifest?.format ?? (path.hasSuffix(".param") ? .ncnn : path.hasSuffix(".onnx") ? .onnx : .safetensors) {
        case .ncnn: return try NCNNModel(param: path, bin: manifest?.files["weights"], threads: threads)
        case .onnx: return try LayerGraph(onnx: path, threads: threads)
        case .safetensors:
            let name = manifest?.architecture ?? ""
            guard let arch = Architecture(rawValue: name) else {
                throw PluginError(path: manifest?.manifestPath ?? path, reason: .invalid,
                                  "architecture '\(name)' is not one restore builds (\(Architecture.allCases.map(\.rawValue).joined(separator: ", "))); a bare .safetensors needs a plugin.yaml naming it")
            }
            return try LayerGraph(safetensors: path, architecture: arch, threads: threads)
        }
    }

    /// A pipeline stage running this model.
    public func stage(name: String, scale: Double?, tiling: TilingOptions, threads: Int) throws -> NetworkStage {
        var s = try NetworkStage(name: "\(name) (\(label))", network: load(threads: threads))
        s.scale = scale
        s.tiling = tiling
        if let e = manifest?.encoding { s.encoding = try ColorProfile.resolve(e) }
        return s
    }
}

/// Denoising, decided per image: σ is estimated (`auto`) or given, then the plugin is chosen
/// — a non-blind model gets σ as a noise-level plane; fixed-strength models are picked by
/// their `noise_range` — or the stage is skipped on a clean image.
public struct DenoiseStage: Sendable {
    public enum Sigma: Sendable, Equatable { case auto, fixed(Double) }
    public var sigma: Sigma
    /// The plugin asked for, or every denoise plugin by preference.
    public var candidates: [ModelChoice]
    public var explicit: Bool
    public var tiling: TilingOptions
    /// Networks loaded so far, by candidate: a stage reused over many images (frames, a
    /// library caller) loads and probes each model once.
    private let loaded = LoadedNetworks()

    public init(sigma: Sigma, candidates: [ModelChoice], explicit: Bool, tiling: TilingOptions) {
        self.sigma = sigma; self.candidates = candidates; self.explicit = explicit; self.tiling = tiling
    }

    private final class LoadedNetworks: @unchecked Sendable {
        private var stages: [String: NetworkStage] = [:]
        private let lock = NSLock()
        func stage(_ choice: ModelChoice, tiling: TilingOptions, threads: Int) throws -> NetworkStage {
            lock.lock(); defer { lock.unlock() }
            if let s = stages[choice.path] { return s }
            let s = try choice.stage(name: "denoise", scale: 1, tiling: tiling, threads: threads)
            stages[choice.path] = s
            return s
        }
    }

    /// The network stage for `image` (nil: nothing to do) and a note saying why.
    public func resolve(for image: Image, threads: Int) throws -> (NetworkStage?, String) {
        let s: Double
        switch sigma {
        case .fixed(let v): s = v
        case .auto: s = NoiseEstimate.sigma(of: image)
        }
        let shown = "σ \(sigma == .auto ? "≈ " : "")\((s * 10).rounded() / 10)"
        guard !candidates.isEmpty else {
            return (nil, "\(shown); no denoise plugin installed (see Plugins/README.md, or bash Tools/fetch_models.sh): not denoised")
        }
        if let nb = candidates.first(where: { $0.manifest?.parameters.contains { $0.name == "sigma" } == true }) {
            var stage = try loaded.stage(nb, tiling: tiling, threads: threads)
            let range = nb.manifest!.parameters.first { $0.name == "sigma" }!.range ?? 0...255
            stage.extraPlanes = [Float(Swift.min(Swift.max(s, range.lowerBound), range.upperBound) / 255)]
            return (stage, "\(shown): \(nb.label)")
        }
        let ranged = candidates.filter { $0.manifest?.noiseRange != nil }
        let pick: ModelChoice?
        if explicit || ranged.isEmpty { pick = candidates.first }
        else {
            // The plugin whose range holds σ; above every range, the strongest; below, none.
            let strongest = ranged.max { $0.manifest!.noiseRange!.upperBound < $1.manifest!.noiseRange!.upperBound }!
            pick = ranged.first { $0.manifest!.noiseRange!.contains(s) } ?? (s > strongest.manifest!.noiseRange!.upperBound ? strongest : nil)
        }
        guard let pick else { return (nil, "\(shown): clean enough, not denoised") }
        return (try loaded.stage(pick, tiling: tiling, threads: threads), "\(shown): \(pick.label)")
    }
}

extension RestoreEnvironment {
    /// The stages of `request` on its preset, with plugins resolved (networks are loaded here;
    /// denoisers when the image is known).
    public func stages(for request: PipelineRequest, threads: Int) throws -> [Stage] {
        let steps = try request.steps(from: config.preset(request.preset))
        return try steps.map { step throws -> Stage in try stage(step, tiling: request.tiling, threads: threads) }
    }

    func ranked(_ stage: PluginManifest.Stage) -> [PluginManifest] {
        registry.plugins(for: stage).enumerated().sorted { ($0.element.priority, -$0.offset) > ($1.element.priority, -$1.offset) }.map(\.element)
    }

    func stage(_ step: PresetStep, tiling: TilingOptions, threads: Int) throws -> Stage {
        func number(_ key: String) throws(OptionError) -> Double? {
            guard let v = step.settings[key] else { return nil }
            guard let d = Double(v) else { throw OptionError(path: step.path, "\(step.stage.rawValue): '\(key)' must be a number, got '\(v)'") }
            return d
        }
        switch step.stage {
        case .denoise:
            let sigmaText = step.settings["sigma"] ?? "auto"
            let sigma: DenoiseStage.Sigma
            if sigmaText == "auto" { sigma = .auto }
            else if let v = Double(sigmaText), v >= 0 { sigma = .fixed(v) }
            else { throw OptionError(path: step.path, "denoise: sigma must be auto or a number, got '\(sigmaText)'") }
            let candidates = try step.plugin.map { [try ModelChoice.resolve($0, registry: registry, stage: .denoise)] }
                ?? ranked(.denoise).filter { $0.kind == .model }.map { try ModelChoice.choice($0) }
            return .denoise(DenoiseStage(sigma: sigma, candidates: candidates, explicit: step.plugin != nil, tiling: tiling))
        case .upscale:
            let scale = try number("scale")
            let choice: ModelChoice
            if let p = step.plugin { choice = try ModelChoice.resolve(p, registry: registry, stage: .upscale) }
            else {
                let want = Int(scale ?? 2)
                let all = ranked(.upscale).filter { $0.kind == .model }
                guard let best = all.first(where: { $0.scale == want }) ?? all.filter({ $0.scale > want }).min(by: { $0.scale < $1.scale }) ?? all.first else {
                    throw PluginError(path: nil, reason: .unknown, "no upscale plugin installed (add one to a plugin path, or run bash Tools/fetch_models.sh)")
                }
                choice = try ModelChoice.choice(best)
            }
            return .network(try choice.stage(name: "upscale", scale: scale, tiling: tiling, threads: threads))
        case .lut:
            let file: String
            if let f = step.settings["file"] { file = f }
            else if let id = step.plugin { file = try registry.plugin(id, for: .lut).files["lut"]! }
            else { throw OptionError(path: step.path, "lut: needs 'file' (or 'plugin', a lut plugin)") }
            var o = LUTApplyOptions()
            o.space = step.settings["space"]
            if let s = try number("strength") { o.strength = Float(s) }
            if let i = step.settings["interp"] {
                guard let interp = Interpolation(rawValue: i) else { throw OptionError(path: step.path, "lut: interp must be tetrahedral, trilinear or nearest") }
                o.interpolation = interp
            }
            return .lut(path: file, options: o)
        case .grade, .filter:
            let candidates = ranked(step.stage)
            guard let id = step.plugin ?? candidates.first?.id else {
                throw PluginError(path: step.path, reason: .unknown, line: step.line,
                                  "no \(step.stage.rawValue) plugin installed (\(step.stage.rawValue) plugins: none)")
            }
            let m = try registry.plugin(id, for: step.stage)
            switch m.kind {
            case .model: return .network(try ModelChoice.choice(m).stage(name: step.stage.rawValue, scale: nil, tiling: tiling, threads: threads))
            case .lut:
                var o = LUTApplyOptions()
                o.space = m.encoding
                if let s = try number("strength") { o.strength = Float(s) }
                return .lut(path: m.files["lut"]!, options: o)
            case .native:
                var values: [String: Double] = [:]
                for (k, _) in step.settings { values[k] = try number(k) }
                let plugin = try NativePlugin(m, searchDirectories: DataPaths.executableDirectory.map { [$0] } ?? [])
                return .native(try NativeStage(plugin: plugin, parameters: plugin.parameterValues(values)))
            }
        }
    }
}
