import RestoreCore
#if canImport(Glibc)
import Glibc
#endif

/// Every plugin found on the plugin paths, keyed by id. A folder whose manifest is broken is
/// skipped with a warning naming its `plugin.yaml` and the reason; the others still load.
public struct PluginRegistry: Sendable {
    /// In discovery order (earlier paths first, folders sorted by name within a path).
    public private(set) var plugins: [PluginManifest] = []
    public private(set) var warnings: [String] = []

    /// Scans each path: a folder with a `plugin.yaml` is a plugin, otherwise its subfolders
    /// are searched (one level). Missing paths are skipped silently (the bundled cache may not
    /// exist yet). The first plugin with an id wins; later ones are reported.
    public init(paths: [String]) {
        for path in paths {
            for folder in Self.candidates(path) {
                do {
                    let m = try PluginManifest.load(folder: folder)
                    if let first = plugins.first(where: { $0.id == m.id }) {
                        warnings.append("\(m.manifestPath): id '\(m.id)' is already taken by \(first.manifestPath); skipped")
                        continue
                    }
                    warnings += m.warnings.map { "\(m.manifestPath): \($0)" }
                    plugins.append(m)
                } catch {
                    warnings.append("\(folder)/plugin.yaml: skipped: \(error.message)")
                }
            }
        }
    }

    static func candidates(_ path: String) -> [String] {
        if access(path + "/plugin.yaml", F_OK) == 0 { return [path] }
        return (Directory.names(path) ?? []).filter { !$0.hasPrefix(".") && access(path + "/" + $0 + "/plugin.yaml", F_OK) == 0 }
            .map { path + "/" + $0 }.sorted()
    }

    /// The plugin `id`; unknown ids list the valid ones (for `stage` when given).
    public func plugin(_ id: String, for stage: PluginManifest.Stage? = nil) throws(PluginError) -> PluginManifest {
        if let p = plugins.first(where: { $0.id == id }) {
            if let stage, p.stage != stage {
                throw PluginError(path: p.manifestPath, reason: .unknown,
                                  "plugin '\(id)' serves stage '\(p.stage.rawValue)', not '\(stage.rawValue)' (\(stage.rawValue) plugins: \(list(stage)))")
            }
            return p
        }
        throw PluginError(path: nil, reason: .unknown, "unknown plugin '\(id)' (\(stage.map { "\($0.rawValue) plugins" } ?? "plugins"): \(list(stage)))")
    }

    public func plugins(for stage: PluginManifest.Stage) -> [PluginManifest] { plugins.filter { $0.stage == stage } }

    private func list(_ stage: PluginManifest.Stage?) -> String {
        let ids = plugins.filter { stage == nil || $0.stage == stage }.map(\.id)
        return ids.isEmpty ? "none installed" : ids.joined(separator: ", ")
    }
}
