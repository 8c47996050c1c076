import Foundation
import RestoreColor
import RestorePlugins

/// The table of stage kinds, by nickname: how a step of each kind is turned into a `Stage`.
/// The same nickname names the stage in a config, on the command line (`--denoise`,
/// `--scale`, `--grade`, `--lut`) and in a plugin manifest's `stage:`. Adding a kind is one
/// entry here and one file beside this one (libvips' operation table is the model).
struct StageKind: Sendable {
    let nickname: PluginManifest.Stage
    /// Builds the stage, checking its settings (`StepSettings`) as it goes.
    let build: @Sendable (PresetStep, StageBuilder) throws -> any Stage

    static let table: [StageKind] = [DenoiseStage.kind, NetworkStage.upscaleKind, PluginStages.gradeKind,
                                     LUTStage.kind, PluginStages.filterKind]

    static func named(_ stage: PluginManifest.Stage) -> StageKind { table.first { $0.nickname == stage }! }
}

/// What building a stage may consult, and what it records: the registry, execution settings
/// and the files the plan will read (which no output may overwrite).
final class StageBuilder: @unchecked Sendable {
    let environment: RestoreEnvironment
    /// Worker threads networks and native plugins are set up for.
    let threads: Int
    private(set) var readFiles: [String] = []
    /// Files the stages write besides the outputs (an exported LUT).
    private(set) var writtenFiles: [String] = []
    init(environment: RestoreEnvironment, threads: Int) { self.environment = environment; self.threads = threads }

    var registry: PluginRegistry { environment.registry }
    func reads(_ path: String) { readFiles.append(path) }
    func writes(_ path: String) { writtenFiles.append(path) }
    /// A plugin's manifest and every file it names.
    func reads(_ m: PluginManifest) { reads(m.manifestPath); for f in m.files.values { reads(f) } }

    /// The plugin `reference` names for `stage`: a plugin folder (one holding a plugin.yaml),
    /// else an installed plugin's id.
    func plugin(_ reference: String, for stage: PluginManifest.Stage) throws(PluginError) -> PluginManifest {
        guard access(reference + "/plugin.yaml", F_OK) == 0 else { return try registry.plugin(reference, for: stage) }
        let m = try PluginManifest.load(folder: reference)
        guard m.stage == stage else {
            throw PluginError(path: m.manifestPath, reason: .unknown, "plugin '\(m.id)' serves stage '\(m.stage.rawValue)', not '\(stage.rawValue)'")
        }
        return m
    }

    /// Plugins serving `stage`, most preferred first (priority, then discovery order).
    func ranked(_ stage: PluginManifest.Stage) -> [PluginManifest] {
        registry.plugins(for: stage).enumerated()
            .sorted { ($0.element.priority, -$0.offset) > ($1.element.priority, -$1.offset) }.map(\.element)
    }

    /// The error for a stage that was asked for but that no installed plugin serves.
    func missing(_ stage: PluginManifest.Stage, step: PresetStep) -> PluginError {
        let searched = environment.config.pluginPaths
        return PluginError(path: step.path, reason: .unknown, line: step.line,
                           "\(stage.rawValue) was asked for, but no \(stage.rawValue) plugin is installed (searched: "
                           + (searched.isEmpty ? "no plugin paths" : searched.joined(separator: ", "))
                           + "). Install one by putting a plugin folder with a plugin.yaml on a plugin path (Plugins/README.md),"
                           + " or leave the stage out (--\(stage == .upscale ? "scale 1" : "\(stage.rawValue) off")).")
    }

    /// A space setting resolved now, so a typo fails before any work.
    func space(_ name: String, step: PresetStep) throws -> ColorProfile {
        do { return try ColorProfile.resolve(name) } catch {
            throw OptionError(path: step.path, line: step.line, "\(step.stage.rawValue): \(error.message)")
        }
    }
}
