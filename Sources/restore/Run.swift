import ArgumentParser
import Restore

/// `restore [run] IN OUT` — the default command: the config's default preset (or `--preset`),
/// adjusted by `--denoise --scale --grade --lut --model`, colour-managed, keeping depth, alpha
/// and profile.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Restore IN into OUT with a preset (default: the config's default_preset; built in: denoise auto).",
        discussion: """
            The preset's steps run in order; the flags adjust them: --denoise off removes denoising, auto or a σ sets it;
            --scale 1 removes upscaling, N sets it; --grade off|auto; --lut appends a LUT; --model replaces the upscale
            step's plugin (else the denoise step's). See `restore plugins list` for presets and plugins.
            """)

    @Argument(help: "Input image (PNG, TIFF, JPEG).") var input: String
    @Argument(help: "Output image; the format follows the extension.") var output: String

    @Option(help: "Preset to run (see `restore plugins list`).") var preset: String?
    @Option(help: ArgumentHelp("Denoising strength.", valueName: "auto|off|SIGMA")) var denoise: String?
    @Option(help: ArgumentHelp("Upscaling factor.", valueName: "1|2|3|4")) var scale: Int?
    @Option(help: ArgumentHelp("Grading.", valueName: "off|auto")) var grade: String?
    @Option(help: ArgumentHelp("Network for the upscale (else denoise) step.", valueName: "ID|PATH")) var model: String?

    @Option(name: .customLong("output-profile"),
            help: ArgumentHelp("Output colour profile.", valueName: "keep|SPACE|PATH.icc"))
    var outputProfile: String = "keep"

    @Option(name: .customLong("assume-profile"), help: ArgumentHelp("Profile of untagged inputs (default sRGB).", valueName: "SPACE|PATH.icc"))
    var assumeProfile: String?

    @Option(help: "Apply this LUT (.cube, .3dl, .spi1d, .spi3d, .csp, Hald image) after the preset's stages.")
    var lut: String?

    @Option(name: .customLong("lut-space"), help: ArgumentHelp("The space the LUT was built for.", valueName: "SPACE|PATH.icc"))
    var lutSpace: String?

    @OptionGroup var network: NetworkOptions
    @OptionGroup var out: OutputOptions
    @OptionGroup var common: CommonOptions

    func run() throws {
        var o = ConvertOptions()
        o.targetSpace = outputProfile == "keep" ? nil : outputProfile
        o.assumeProfile = assumeProfile
        o.threads = common.resolvedThreads
        o.progress = network.reporter
        out.apply(to: &o)
        var request = PipelineRequest()
        request.preset = preset
        request.denoise = denoise
        request.scale = scale
        request.grade = grade
        request.model = model
        request.tiling = network.tiling
        if let lut {
            var l = LUTApplyOptions()
            l.space = lutSpace
            request.luts.append((lut, l))
        }
        o.stages = try common.environment().stages(for: request, threads: o.threads)
        let report = try convert(input: input, output: output, options: o)
        printNotes(report.notes, file: input)
        printWarnings(report.warnings, file: input)
    }
}

/// `restore upscale IN OUT [--scale N] [--model ID|PATH]`
struct Upscale: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Upscale with a network (default: the preferred installed upscale plugin for --scale).",
        discussion: "A model whose factor differs from --scale is resampled to it with Lanczos-3. --model takes a plugin id, an ncnn .param (its .bin beside it) or a plugin folder.")

    @Argument(help: "Input image (PNG, TIFF, JPEG).") var input: String
    @Argument(help: "Output image; the format follows the extension.") var output: String
    @Option(help: "Output scale (default: the model's own).") var scale: Double?
    @Option(help: ArgumentHelp("The network.", valueName: "ID|PATH")) var model: String?

    @OptionGroup var network: NetworkOptions
    @OptionGroup var out: OutputOptions
    @OptionGroup var common: CommonOptions

    func validate() throws {
        if let s = scale, !(s > 0 && s <= 16) { throw ValidationError("--scale must be within 0-16 (got \(s))") }
    }

    func run() throws {
        let env = try common.environment()
        var step = PresetStep(stage: .upscale, plugin: model)
        if let scale { step.settings["scale"] = String(scale) }
        var request = PipelineRequest()
        request.tiling = network.tiling
        try runPreset(env: env, preset: Preset(name: "upscale", steps: [step]), request: request,
                      input: input, output: output, network: network, out: out, common: common)
    }
}

/// `restore denoise IN OUT [--sigma auto|N] [--model ID|PATH]`
struct Denoise: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Denoise with a network (σ estimated, or given in 8-bit levels).",
        discussion: "Without --model the denoise plugins are tried by preference: a non-blind model takes σ as its noise level; fixed-strength models are chosen by their noise_range.")

    @Argument(help: "Input image (PNG, TIFF, JPEG).") var input: String
    @Argument(help: "Output image; the format follows the extension.") var output: String
    @Option(help: ArgumentHelp("Noise level in 8-bit levels, or auto.", valueName: "auto|N")) var sigma: String = "auto"
    @Option(help: ArgumentHelp("The network.", valueName: "ID|PATH")) var model: String?

    @OptionGroup var network: NetworkOptions
    @OptionGroup var out: OutputOptions
    @OptionGroup var common: CommonOptions

    func validate() throws {
        if sigma != "auto", Double(sigma).map({ $0 >= 0 && $0 <= 255 }) != true {
            throw ValidationError("--sigma must be auto or a number 0-255 (got '\(sigma)')")
        }
    }

    func run() throws {
        let env = try common.environment()
        var request = PipelineRequest()
        request.tiling = network.tiling
        let step = PresetStep(stage: .denoise, plugin: model, settings: ["sigma": sigma])
        try runPreset(env: env, preset: Preset(name: "denoise", steps: [step]), request: request,
                      input: input, output: output, network: network, out: out, common: common)
    }
}

/// Runs `preset` (built by a subcommand) on one file.
func runPreset(env: RestoreEnvironment, preset: Preset, request: PipelineRequest, input: String, output: String,
               network: NetworkOptions, out: OutputOptions, common: CommonOptions) throws {
    var o = ConvertOptions()
    o.threads = common.resolvedThreads
    o.progress = network.reporter
    out.apply(to: &o)
    var e = env
    e.config.presets.append(preset)
    var r = request
    r.preset = preset.name
    o.stages = try e.stages(for: r, threads: o.threads)
    let report = try convert(input: input, output: output, options: o)
    printNotes(report.notes, file: input)
    printWarnings(report.warnings, file: input)
}
