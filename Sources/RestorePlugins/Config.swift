import RestoreCore
#if canImport(Glibc)
import Glibc
#endif

/// One step of a preset: a stage, the plugin that serves it (nil: the registry's choice) and
/// its settings as written (`sigma: auto`, `scale: 2`, `file: look.cube` …), interpreted by
/// the pipeline that builds it.
public struct PresetStep: Sendable, Equatable {
    public var stage: PluginManifest.Stage
    public var plugin: String?
    public var settings: [String: String]
    /// Where it was written (for messages).
    public var path: String?
    public var line: Int?

    public init(stage: PluginManifest.Stage, plugin: String? = nil, settings: [String: String] = [:], path: String? = nil, line: Int? = nil) {
        self.stage = stage; self.plugin = plugin; self.settings = settings; self.path = path; self.line = line
    }
}

/// A named pipeline.
public struct Preset: Sendable, Equatable {
    public var name: String
    public var steps: [PresetStep]
    /// The config file that defined it (nil: built in).
    public var source: String?

    public init(name: String, steps: [PresetStep], source: String? = nil) {
        self.name = name; self.steps = steps; self.source = source
    }
}

/// The configuration: where plugins are, the presets, and which preset `restore IN OUT` runs.
///
/// Found in this order (the first that exists wins): `--config FILE`, `$RESTORE_CONFIG`,
/// `./restore.yaml`, `$XDG_CONFIG_HOME/restore/config.yaml` (default `~/.config/…`), then
/// the built-in default. A config's `plugin_paths` (relative to the config's folder) are
/// searched before the bundled ones, which are always searched last; its presets add to and
/// override the built-in ones by name.
///
/// ```yaml
/// plugin_paths: [plugins, /studio/restore-plugins]
/// presets:
///   film:
///     - denoise: {sigma: auto}
///     - upscale: {plugin: realesr-animevideov3-x4, scale: 2}
///     - lut: {file: looks/print.cube, space: rec709, strength: 0.8}
/// default_preset: film
/// ```
public struct Config: Sendable {
    /// The file read (nil: the built-in default).
    public var path: String?
    public var pluginPaths: [String]
    public var presets: [Preset]
    public var defaultPreset: String
    public var warnings: [String] = []

    /// The built-in presets.
    public static let builtInPresets: [Preset] = [
        Preset(name: "default", steps: [PresetStep(stage: .denoise, settings: ["sigma": "auto"])], source: nil),
        Preset(name: "clean", steps: [], source: nil),
        Preset(name: "upscale2", steps: [PresetStep(stage: .denoise, settings: ["sigma": "auto"]),
                                         PresetStep(stage: .upscale, settings: ["scale": "2"])], source: nil),
        Preset(name: "upscale4", steps: [PresetStep(stage: .upscale, settings: ["scale": "4"])], source: nil),
    ]

    /// The built-in default over `bundled` plugin folders.
    public static func builtIn(bundled: [String]) -> Config {
        Config(path: nil, pluginPaths: bundled, presets: builtInPresets, defaultPreset: "default")
    }

    /// Where the config comes from, in discovery order; nil when none applies (built-in).
    public static func locate(explicit: String?, environment: [String: String], workingDirectory: String = ".") -> String? {
        if let explicit { return explicit }
        if let env = environment["RESTORE_CONFIG"], !env.isEmpty { return env }
        let local = workingDirectory + "/restore.yaml"
        if access(local, F_OK) == 0 { return local }
        let xdg = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? environment["HOME"].map { $0 + "/.config" }
        if let xdg, access(xdg + "/restore/config.yaml", F_OK) == 0 { return xdg + "/restore/config.yaml" }
        return nil
    }

    /// Discovers and loads the config. An explicit or `$RESTORE_CONFIG` file that is missing
    /// is an error (a typo must not silently fall back to the defaults).
    public static func discover(explicit: String?, environment: [String: String], workingDirectory: String = ".",
                                bundled: [String]) throws(PluginError) -> Config {
        guard let path = locate(explicit: explicit, environment: environment, workingDirectory: workingDirectory) else {
            return builtIn(bundled: bundled)
        }
        return try load(path: path, bundled: bundled)
    }

    public static func load(path: String, bundled: [String]) throws(PluginError) -> Config {
        let text: String
        switch FileBytes.read(path, limit: 4 << 20) {
        case .success(let b): text = String(decoding: b, as: UTF8.self)
        case .failure(let f): throw PluginError(path: path, reason: .unreadable, f.reason)
        }
        return try parse(text, path: path, bundled: bundled)
    }

    public static func parse(_ text: String, path: String, bundled: [String]) throws(PluginError) -> Config {
        var f = try YAMLFields(YAML.parse(text, path: path))
        let dir = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        var config = builtIn(bundled: bundled)
        config.path = path
        if let node = f.optional("plugin_paths") {
            let own = try node.sequence().map { (p: YAML) throws(PluginError) in PluginManifest.resolve(try p.string(), in: dir) }
            config.pluginPaths = own + bundled.filter { !own.contains($0) }
        }
        if let node = f.optional("presets") {
            for (name, value) in try node.mapping() {
                let steps = try value.sequence().map { (s: YAML) throws(PluginError) in try step(s, dir: dir) }
                config.presets.removeAll { $0.name == name }
                config.presets.append(Preset(name: name, steps: steps, source: path))
            }
        }
        if let node = f.optional("default_preset") {
            let name = try node.string()
            guard config.presets.contains(where: { $0.name == name }) else {
                throw PluginError(path: path, reason: .unknown, line: node.line,
                                  "default_preset '\(name)' is not a preset (presets: \(config.presets.map(\.name).joined(separator: ", ")))")
            }
            config.defaultPreset = name
        }
        config.warnings = f.unknownKeys(known: "plugin_paths, presets, default_preset").map { "\(path): \($0)" }
        return config
    }

    /// `- stage: {settings}` (or `- stage` alone). `file` settings resolve against `dir`.
    static func step(_ node: YAML, dir: String) throws(PluginError) -> PresetStep {
        let stages = PluginManifest.Stage.allCases.map(\.rawValue).joined(separator: ", ")
        var name: String, settingsNode: YAML?
        if case .scalar = node.node { name = try node.string() }
        else {
            let m = try node.mapping()
            guard m.count == 1 else { throw node.fail("a preset step is one 'stage: {settings}' entry (stages: \(stages))") }
            name = m[0].key; settingsNode = m[0].value
        }
        guard let stage = PluginManifest.Stage(rawValue: name) else {
            throw PluginError(path: node.path, reason: .unknown, line: node.line, "unknown stage '\(name)' (stages: \(stages))")
        }
        var step = PresetStep(stage: stage, path: node.path, line: node.line)
        if let s = settingsNode, case .mapping = s.node {
            for (key, value) in try s.mapping() {
                let v = try value.string()
                if key == "plugin" { step.plugin = v } else { step.settings[key] = key == "file" ? PluginManifest.resolve(v, in: dir) : v }
            }
        }
        return step
    }

    /// The preset called `name` (nil: the default); an unknown name lists the valid ones.
    public func preset(_ name: String?) throws(PluginError) -> Preset {
        let wanted = name ?? defaultPreset
        guard let p = presets.first(where: { $0.name == wanted }) else {
            throw PluginError(path: path, reason: .unknown, "unknown preset '\(wanted)' (presets: \(presets.map(\.name).joined(separator: ", ")))")
        }
        return p
    }
}
