import RestoreCore
#if canImport(Glibc)
import Glibc
#endif

/// A plugin folder's `plugin.yaml`, validated: what the plugin is, which stage it serves and
/// where its files are. Paths in `files` are resolved against the folder.
///
/// ```yaml
/// id: waifu2x-cunet-noise2          # [a-z0-9._-], unique across plugin paths
/// kind: model                       # model | lut | native
/// stage: denoise                    # denoise | upscale | grade | lut | filter
/// format: ncnn                      # models: ncnn | onnx | safetensors
/// family: waifu2x                   # optional, published ncnn models: realesrgan | waifu2x
/// files: {param: noise2_model.param, weights: noise2_model.bin}
/// scale: 1                          # output pixels per input pixel
/// encoding: srgb                    # the space inputs are converted into (built-in name or .icc)
/// parameters:                       # optional, what a preset or the CLI may set
///   - {name: sigma, type: float, range: [0, 75], default: 25}
/// noise_range: [6, 12]             # optional: σ (8-bit levels) a fixed-strength denoiser suits
/// priority: 10                      # optional: preferred when a stage names no plugin
/// license: MIT
/// description: waifu2x CUNet, noise level 2
/// ```
public struct PluginManifest: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable { case model, lut, native }
    public enum Stage: String, Sendable, CaseIterable { case denoise, upscale, grade, lut, filter }
    public enum Format: String, Sendable, CaseIterable { case ncnn, onnx, safetensors }
    public enum Family: String, Sendable, CaseIterable { case realesrgan, waifu2x }

    /// A parameter a preset may set: a number within `range` (bools are 0/1).
    public struct Parameter: Sendable, Equatable {
        public enum ValueType: String, Sendable, CaseIterable { case float, int, bool }
        public var name: String
        public var type: ValueType
        public var range: ClosedRange<Double>?
        public var defaultValue: Double?

        public init(name: String, type: ValueType = .float, range: ClosedRange<Double>? = nil, defaultValue: Double? = nil) {
            self.name = name; self.type = type; self.range = range; self.defaultValue = defaultValue
        }
    }

    public var id: String
    public var kind: Kind
    public var stage: Stage
    public var format: Format?
    public var family: Family?
    /// Role → absolute path (`param`, `weights`, `model`, `library`, `lut`).
    public var files: [String: String]
    public var scale: Int
    /// Built-in space name or absolute ICC path; nil: the image's own space.
    public var encoding: String?
    public var parameters: [Parameter]
    /// For `safetensors` models: the architecture the weights fill (see RestoreNN).
    public var architecture: String?
    /// For fixed-strength denoisers: the noise σ (8-bit levels) they are meant for; `--denoise
    /// auto` picks the plugin whose range holds the estimate.
    public var noiseRange: ClosedRange<Double>?
    /// Preference when a stage names no plugin: the highest wins (ties: discovery order).
    public var priority: Int = 0
    public var license: String?
    public var description: String?
    /// The folder and its manifest file.
    public var folder: String
    public var manifestPath: String { folder + "/plugin.yaml" }
    /// Unknown keys and other non-fatal remarks.
    public var warnings: [String] = []

    public static let knownKeys = "id, kind, stage, format, family, files, scale, encoding, parameters, architecture, noise_range, priority, license, description"

    /// Reads and validates `folder/plugin.yaml`.
    public static func load(folder: String) throws(PluginError) -> PluginManifest {
        let path = folder + "/plugin.yaml"
        let text: String
        switch FileBytes.read(path, limit: 1 << 20) {
        case .success(let b): text = String(decoding: b, as: UTF8.self)
        case .failure(let f): throw PluginError(path: path, reason: .unreadable, f.reason)
        }
        return try parse(text, folder: folder)
    }

    /// Validates manifest text as if it were `folder/plugin.yaml`.
    public static func parse(_ text: String, folder: String) throws(PluginError) -> PluginManifest {
        let path = folder + "/plugin.yaml"
        var f = try YAMLFields(YAML.parse(text, path: path))
        let id = try f.required("id").string()
        guard !id.isEmpty, id.allSatisfy({ $0.isLowercase || $0.isNumber || "._-".contains($0) }), id.allSatisfy(\.isASCII) else {
            throw f.owner.fail("'id' must be lowercase letters, digits, '.', '_' or '-' (got '\(id)')")
        }
        let kindNode = try f.required("kind")
        let kind = Kind(rawValue: try kindNode.choice(Kind.allCases.map(\.rawValue)))!
        let stageNode = try f.required("stage")
        let stage = Stage(rawValue: try stageNode.choice(Stage.allCases.map(\.rawValue)))!
        let allowed: [Kind: [Stage]] = [.model: [.denoise, .upscale, .grade, .filter], .lut: [.lut, .grade], .native: Stage.allCases]
        guard allowed[kind]!.contains(stage) else {
            throw stageNode.fail("a \(kind.rawValue) plugin cannot serve stage '\(stage.rawValue)' (allowed: \(allowed[kind]!.map(\.rawValue).joined(separator: ", ")))")
        }
        var m = PluginManifest(id: id, kind: kind, stage: stage, files: [:], scale: 1, parameters: [], folder: folder)
        if let node = f.optional("format") { m.format = Format(rawValue: try node.choice(Format.allCases.map(\.rawValue))) }
        if let node = f.optional("family") { m.family = Family(rawValue: try node.choice(Family.allCases.map(\.rawValue))) }
        if let node = f.optional("scale") {
            m.scale = try node.int()
            guard (1...16).contains(m.scale) else { throw node.fail("'scale' must be 1…16 (got \(m.scale))") }
        }
        if let node = f.optional("encoding") {
            let e = try node.string()
            m.encoding = e.hasSuffix(".icc") || e.hasSuffix(".icm") ? Self.resolve(e, in: folder) : e
        } else if kind == .model {
            m.encoding = "srgb"
        }
        if let node = f.optional("architecture") { m.architecture = try node.string() }
        if let node = f.optional("noise_range") {
            let r = try node.sequence()
            guard r.count == 2, try r[0].double() <= r[1].double() else { throw node.fail("'noise_range' must be [low, high]") }
            m.noiseRange = try r[0].double()...r[1].double()
        }
        if let node = f.optional("priority") { m.priority = try node.int() }
        if let node = f.optional("license") { m.license = try node.string() }
        if let node = f.optional("description") { m.description = try node.string() }
        if let node = f.optional("parameters") { m.parameters = try node.sequence().map { (p: YAML) throws(PluginError) in try parameter(p) } }

        let filesNode = try f.required("files")
        for (role, value) in try filesNode.mapping() { m.files[role] = resolve(try value.string(), in: folder) }
        // What each kind needs.
        let needs: [String]
        switch kind {
        case .model:
            guard let format = m.format else { throw f.owner.fail("a model plugin needs 'format' (\(Format.allCases.map(\.rawValue).joined(separator: ", ")))") }
            switch format {
            case .ncnn:
                needs = ["param"]
                if m.files["weights"] == nil, let p = m.files["param"] { m.files["weights"] = replacingExtension(p, with: ".bin") }
            case .onnx: needs = ["model"]
            case .safetensors:
                needs = ["weights"]
                if m.architecture == nil { throw f.owner.fail("a safetensors model needs 'architecture'") }
            }
        case .lut: needs = ["lut"]
        case .native: needs = ["library"]
        }
        for role in needs where m.files[role] == nil {
            throw filesNode.fail("'files' needs '\(role)' for a \(m.format.map { "\($0.rawValue) " } ?? "")\(kind.rawValue) plugin")
        }
        for (role, file) in m.files.sorted(by: { $0.key < $1.key }) where role != "library" && access(file, R_OK) != 0 {
            throw filesNode.fail("file '\(role)' not found: \(file)")
        }
        m.warnings = f.unknownKeys(known: knownKeys)
        return m
    }

    static func parameter(_ node: YAML) throws(PluginError) -> Parameter {
        var f = try YAMLFields(node)
        let name = try f.required("name").string()
        let type = Parameter.ValueType(rawValue: try f.optional("type")?.choice(Parameter.ValueType.allCases.map(\.rawValue)) ?? "float")!
        var p = Parameter(name: name, type: type)
        if let r = f.optional("range") {
            let v = try r.sequence()
            guard v.count == 2, try v[0].double() <= v[1].double() else { throw r.fail("'range' of '\(name)' must be [low, high]") }
            p.range = try v[0].double()...v[1].double()
        }
        if let d = f.optional("default") {
            let value = type == .bool ? (try d.bool() ? 1 : 0) : try d.double()
            if let r = p.range, !r.contains(value) { throw d.fail("default \(value) of '\(name)' is outside \(r.lowerBound)…\(r.upperBound)") }
            p.defaultValue = value
        }
        return p
    }

    /// Checks `value` against the parameter `name`; throws naming the plugin and the range.
    public func check(parameter name: String, value: Double) throws(PluginError) {
        guard let p = parameters.first(where: { $0.name == name }) else {
            let known = parameters.map(\.name)
            throw PluginError(path: manifestPath, reason: .unknown,
                              "plugin '\(id)' has no parameter '\(name)' (it has: \(known.isEmpty ? "none" : known.joined(separator: ", ")))")
        }
        if let r = p.range, !r.contains(value) {
            throw PluginError(path: manifestPath, reason: .invalid, "\(id): \(name) must be within \(r.lowerBound)…\(r.upperBound) (got \(value))")
        }
    }

    static func resolve(_ file: String, in folder: String) -> String { file.hasPrefix("/") ? file : folder + "/" + file }
    static func replacingExtension(_ p: String, with ext: String) -> String {
        guard let dot = p.lastIndex(of: "."), !p[dot...].contains("/") else { return p + ext }
        return String(p[..<dot]) + ext
    }
}
