import ArgumentParser
import Restore

/// `restore plugins list | info ID | validate PATH`
struct Plugins: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List, describe and validate plugins and presets.",
        subcommands: [List.self, InfoCommand.self, Validate.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the plugins found on the plugin paths, and the presets.")
        @Flag(help: "Print a JSON list of plugin objects (id, kind, stage, path, …).") var json = false
        @OptionGroup var common: CommonOptions
        func run() throws {
            print(PluginReport.list(try common.environment(), json: json))
        }
    }

    struct InfoCommand: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "info", abstract: "Describe one plugin.")
        @Argument(help: "Plugin id.") var id: String
        @Flag(help: "Print one JSON object.") var json = false
        @OptionGroup var common: CommonOptions
        func run() throws {
            print(try PluginReport.info(id, environment: try common.environment(), json: json))
        }
    }

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a plugin folder (or its plugin.yaml): the manifest, its files, that a model builds and a LUT parses; a native plugin's library is read without running it (an ELF shared object for this machine defining restore_plugin_entry).")
        @Argument(help: "Plugin folder or plugin.yaml.") var path: String
        @Flag(help: "Native plugins: also load the library (dlopen: its initialisers run, so only for code you trust) and check its ABI version.")
        var load = false
        @OptionGroup var common: CommonOptions
        func run() throws {
            let v = try PluginReport.validate(path: path, load: load)
            for w in v.warnings { StandardError.write("restore: \(v.manifest): warning: \(w)\n") }
            print(v.summary)
        }
    }
}
