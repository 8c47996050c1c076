import RestorePlugins
#if canImport(Glibc)
import Glibc
#endif

/// The config and the plugins a run uses: found once, shared by every plan made from it.
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

    /// Discovers the config (`explicit`, `$RESTORE_CONFIG`, `./restore.yaml`,
    /// `$XDG_CONFIG_HOME/restore/config.yaml`, built-in) and scans its plugin paths.
    public static func load(config explicit: String? = nil) throws(PluginError) -> RestoreEnvironment {
        var env: [String: String] = [:]
        for key in ["RESTORE_CONFIG", "XDG_CONFIG_HOME", "HOME"] { if let v = getenv(key) { env[key] = String(cString: v) } }
        return RestoreEnvironment(config: try Config.discover(explicit: explicit, environment: env, bundled: bundledPluginPaths))
    }

    /// The built-in config over the bundled plugins, ignoring every config file.
    public static var builtIn: RestoreEnvironment { RestoreEnvironment(config: .builtIn(bundled: bundledPluginPaths)) }
}

extension RestoreEnvironment {
    /// No config and no plugins: for plans of colour conversions and LUTs only.
    public static var bare: RestoreEnvironment { RestoreEnvironment(config: .builtIn(bundled: [])) }
}
