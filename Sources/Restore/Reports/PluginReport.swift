import RestoreCore
import RestoreLUT
import RestoreNN
import RestorePlugins

/// What `restore plugins list | info` print.
public enum PluginReport {
    /// One plugin as a JSON object: id, kind, stage, path (the folder), format, family, scale,
    /// encoding, parameters, license, description.
    public static func json(_ m: PluginManifest) -> String {
        var w = JSONObjectWriter()
        w.add("id", .string(m.id))
        w.add("kind", .string(m.kind.rawValue))
        w.add("stage", .string(m.stage.rawValue))
        w.add("path", .string(m.folder))
        w.add("format", m.format.map { .string($0.rawValue) } ?? .null)
        w.add("family", m.family.map { .string($0.rawValue) } ?? .null)
        w.add("scale", .int(m.scale))
        w.add("encoding", m.encoding.map { .string($0) } ?? .null)
        w.add("parameters", .array(m.parameters.map { .string(parameterText($0)) }))
        w.add("priority", .int(m.priority))
        w.add("license", m.license.map { .string($0) } ?? .null)
        w.add("description", m.description.map { .string($0) } ?? .null)
        return w.text
    }

    /// `[ {…}, … ]` for every plugin.
    public static func jsonList(_ plugins: [PluginManifest]) -> String {
        "[\n" + plugins.map { json($0) }.joined(separator: ",\n") + "\n]"
    }

    /// The table of plugins and the presets (the default one marked).
    public static func text(_ env: RestoreEnvironment) -> String {
        var lines = ["config: \(env.config.path ?? "built-in default")", "plugin paths:"]
        lines += env.config.pluginPaths.map { "  \($0)" }
        lines.append("plugins:")
        if env.registry.plugins.isEmpty { lines.append("  (none)") }
        let width = env.registry.plugins.map(\.id.count).max() ?? 0
        for m in env.registry.plugins {
            let pad = String(repeating: " ", count: width - m.id.count)
            let scale = m.stage == .upscale ? " x\(m.scale)" : ""
            lines.append("  \(m.id)\(pad)  \(m.kind.rawValue)/\(m.stage.rawValue)\(scale)  \(m.description ?? "")")
        }
        lines.append("presets:")
        for p in env.config.presets {
            let steps = p.steps.isEmpty ? "(no stages: colour-managed conversion)" : p.steps.map(stepText).joined(separator: " → ")
            lines.append("  \(p.name)\(p.name == env.config.defaultPreset ? " (default)" : ""): \(steps)")
        }
        return lines.joined(separator: "\n")
    }

    /// One plugin in detail.
    public static func text(_ m: PluginManifest) -> String {
        var lines = ["id: \(m.id)", "kind: \(m.kind.rawValue)", "stage: \(m.stage.rawValue)", "path: \(m.folder)"]
        if let f = m.format { lines.append("format: \(f.rawValue)") }
        if let f = m.family { lines.append("family: \(f.rawValue)") }
        lines.append("scale: \(m.scale)")
        if let e = m.encoding { lines.append("encoding: \(e)") }
        for (role, path) in m.files.sorted(by: { $0.key < $1.key }) { lines.append("file \(role): \(path)") }
        for p in m.parameters { lines.append("parameter: \(parameterText(p))") }
        if let r = m.noiseRange { lines.append("noise range: σ \(r.lowerBound)…\(r.upperBound)") }
        if let l = m.license { lines.append("license: \(l)") }
        if let d = m.description { lines.append("description: \(d)") }
        return lines.joined(separator: "\n")
    }

    /// Checks a plugin folder (or its plugin.yaml) as `restore plugins validate` does: the
    /// manifest and its files; a model loads and scales as declared; a LUT parses; a native
    /// library is an ELF shared object for this machine defining `restore_plugin_entry`, read
    /// without loading it — with `load`, it is also loaded (its initialisers run) and its ABI
    /// version checked.
    public static func validate(path: String, load: Bool = false) throws -> Validation {
        let (m, details) = try check(path: path, load: load)
        return Validation(manifest: m.manifestPath, warnings: m.warnings,
                          summary: "\(m.manifestPath): ok (\(m.kind.rawValue) plugin '\(m.id)' for stage \(m.stage.rawValue)): \(details)")
    }

    /// What `validate` found: the manifest checked, its warnings, and one line of summary.
    public struct Validation: Sendable {
        public var manifest: String
        public var warnings: [String]
        public var summary: String
    }

    static func check(path: String, load: Bool) throws -> (PluginManifest, String) {
        var folder = path.hasSuffix("plugin.yaml") ? String(path.dropLast("plugin.yaml".count)) : path
        while folder.count > 1 && folder.hasSuffix("/") { folder.removeLast() }
        let m = try PluginManifest.load(folder: folder.isEmpty ? "." : folder)
        switch m.kind {
        case .native:
            let dirs = DataPaths.executableDirectory.map { [$0] } ?? []
            if load {
                let p = try NativePlugin(m, searchDirectories: dirs)
                return (m, "library \(p.library) loaded, ABI \(NativePlugin.abiVersion), halo \(p.halo) px")
            }
            let lib = try NativePlugin.libraryPath(m, searchDirectories: dirs)
            let elf = try ELFSymbols(path: lib)
            let host = CPUFeatures.machine
            guard elf.machine == host else {
                throw PluginError(path: lib, reason: .native, "built for \(elf.machine); this machine is \(host)")
            }
            guard elf.defined.contains("restore_plugin_entry") else {
                throw PluginError(path: lib, reason: .native, "no 'restore_plugin_entry' symbol: not a restore plugin")
            }
            return (m, "library \(lib): \(elf.machine) shared object defining restore_plugin_entry (not loaded; --load also loads it and checks the ABI version)")
        case .model where m.architecture == Architecture.gradeLUT.rawValue:
            // A grading predictor: not an image-to-image network; each weight file must load.
            let files = try GradeStage.files(of: m, mode: "auto") + GradeStage.files(of: m, mode: "match")
            let found = try files.map { (key, file) throws -> String in
                let p = try GradePredictor(path: file)
                return "\(key): \(p.inChannels) channels of a \(p.thumbnailSide)² thumbnail → \(p.curvePoints)-node curves and a \(p.lutSize)³ LUT"
            }
            return (m, found.joined(separator: "; "))
        case .model:
            let g = try Model.of(m, builder: StageBuilder(environment: .builtIn, threads: 1)).tiled().geometry
            if g.scale != m.scale {
                throw PluginError(path: m.manifestPath, reason: .invalid, "the manifest says scale \(m.scale); the network scales by \(g.scale)")
            }
            let field = g.radius.isFinite ? "\(Int(g.radius.rounded(.up))) px" : "global"
            return (m, "\(g.inChannels)→\(g.outChannels) channels, ×\(g.scale), border \(g.shrink) px, sizes ≡ \(g.offset) mod \(g.alignment), "
                    + "receptive field \(field), ~\(Int(g.bytesPerPixel.rounded())) bytes of working memory per input pixel")
        case .lut:
            let lut = try LUTLibrary.load(path: m.files["lut"]!)
            return (m, "\(lut.kind) LUT")
        }
    }

    static func parameterText(_ p: PluginManifest.Parameter) -> String {
        var s = "\(p.name) (\(p.type.rawValue)"
        if let r = p.range { s += ", \(r.lowerBound)…\(r.upperBound)" }
        if let d = p.defaultValue { s += ", default \(d)" }
        return s + ")"
    }

    static func stepText(_ s: PresetStep) -> String {
        let settings = s.settings.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
        let inner = (s.plugin.map { ["plugin: \($0)"] } ?? []) + settings
        return inner.isEmpty ? s.stage.rawValue : "\(s.stage.rawValue) {\(inner.joined(separator: ", "))}"
    }
}

extension PluginReport {
    /// `restore plugins info ID`: the plugin described, as text or one JSON object.
    public static func info(_ id: String, environment: RestoreEnvironment, json: Bool) throws -> String {
        let m = try environment.registry.plugin(id)
        return json ? self.json(m) : text(m)
    }

    /// `restore plugins list`: every plugin and preset, as text or a JSON list.
    public static func list(_ environment: RestoreEnvironment, json: Bool) -> String {
        json ? jsonList(environment.registry.plugins) : text(environment)
    }
}
