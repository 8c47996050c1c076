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
            --scale 1 removes upscaling, N sets it; --grade off|auto|match:REF; --lut appends a LUT; --model replaces the upscale
            step's plugin (else the denoise step's). See `restore plugins list` for presets and plugins.
            """)

    @Argument(help: "Input: an image, a folder, a quoted glob, a frame pattern (shot.%04d.png, shot.####.png, shot.1001-1100#.png), or '-' (stdin; raw frames with --raw).") var input: String
    @Argument(help: "Output: an image (format from the extension), a folder, a frame pattern, or '-' (stdout: raw frames, or an image with --format).") var output: String

    @Option(help: "Preset to run (see `restore plugins list`).") var preset: String?
    @Option(help: ArgumentHelp("Denoising: auto, off, or a noise σ in 8-bit levels (0-75).", valueName: "auto|off|SIGMA"), completion: .list(["auto", "off"])) var denoise: String?
    @Option(help: ArgumentHelp("Upscaling factor, an integer 1-8 (1: no upscaling).", valueName: "1-8")) var scale: Int?
    @Option(help: ArgumentHelp("Grading: off, auto (restore the colour) or match:REF (match a reference image's look).", valueName: "off|auto|match:REF"), completion: .list(["off", "auto", "match:"])) var grade: String?
    @Option(help: ArgumentHelp("Network for the upscale (else denoise) step.", valueName: "ID|PATH")) var model: String?

    @Option(name: .customLong("output-profile"),
            help: ArgumentHelp("Output colour profile.", valueName: "keep|SPACE|PATH.icc"))
    var outputProfile: String = "keep"

    @Option(name: .customLong("assume-profile"), help: ArgumentHelp("Profile of untagged inputs (default sRGB).", valueName: "SPACE|PATH.icc"))
    var assumeProfile: String?

    @Option(help: "Apply this LUT (.cube, .3dl, .spi1d, .spi3d, .csp, .clf, .ctf, .cc, .ccc, .cdl, Hald image) after the preset's stages.")
    var lut: String?

    @Option(name: .customLong("lut-space"), help: ArgumentHelp("The space the LUT was built for.", valueName: "SPACE|PATH.icc"))
    var lutSpace: String?

    @OptionGroup var network: NetworkOptions
    @OptionGroup var batch: BatchFlags
    @OptionGroup var reporting: ReportingOptions
    @OptionGroup var out: OutputOptions
    @OptionGroup var common: CommonOptions

    func run() throws {
        let request = makeRequest(common: common, out: out, network: network) { r in
            r.preset = preset
            r.denoise = denoise
            r.scale = scale
            r.grade = grade
            r.model = model
            r.outputProfile = outputProfile == "keep" ? nil : outputProfile
            r.assumeProfile = assumeProfile
            if let lut { r.luts.append(.lut(lut, space: lutSpace)) }
        }
        try runJob(request, environment: try common.environment(), input: input, output: output, batch: batch, reporting: reporting)
    }
}

/// `restore upscale IN OUT [--scale N] [--model ID|PATH]`
struct Upscale: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Upscale with a network (default: the preferred installed upscale plugin for --scale).",
        discussion: "A model whose factor differs from --scale is resampled to it with Lanczos-3. --model takes a plugin id, an ncnn .param (its .bin beside it), an .onnx file or a plugin folder.")

    @Argument(help: "Input: an image, a folder, a quoted glob, a frame pattern (shot.%04d.png, shot.####.png, shot.1001-1100#.png), or '-' (stdin; raw frames with --raw).") var input: String
    @Argument(help: "Output: an image (format from the extension), a folder, a frame pattern, or '-' (stdout: raw frames, or an image with --format).") var output: String
    @Option(help: ArgumentHelp("Output scale, an integer 1-8 (default: the model's own).", valueName: "1-8")) var scale: Int?
    @Option(help: ArgumentHelp("The network.", valueName: "ID|PATH")) var model: String?

    @OptionGroup var network: NetworkOptions
    @OptionGroup var batch: BatchFlags
    @OptionGroup var reporting: ReportingOptions
    @OptionGroup var out: OutputOptions
    @OptionGroup var common: CommonOptions

    func run() throws {
        let request = makeRequest(common: common, out: out, network: network) { $0.steps = [.upscale(scale: scale, model: model)] }
        try runJob(request, environment: try common.environment(), input: input, output: output, batch: batch, reporting: reporting)
    }
}

/// `restore denoise IN OUT [--sigma auto|N] [--strength S] [--model ID|PATH]`
struct Denoise: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Denoise with a network (noise estimated, or σ given in 8-bit levels).",
        discussion: """
            With --sigma auto the noise is estimated per image (once per shot for sequences and streams) as a map per colour channel that follows brightness, and a clean image (every channel below σ 0.4) is left alone. Without --model the denoise plugins are tried by preference: a non-blind model takes the map or σ as its noise level; fixed-strength models are chosen by their noise_range.
            """)

    @Argument(help: "Input: an image, a folder, a quoted glob, a frame pattern (shot.%04d.png, shot.####.png, shot.1001-1100#.png), or '-' (stdin; raw frames with --raw).") var input: String
    @Argument(help: "Output: an image (format from the extension), a folder, a frame pattern, or '-' (stdout: raw frames, or an image with --format).") var output: String
    @Option(help: ArgumentHelp("Noise level in 8-bit levels (0-75), or auto.", valueName: "auto|N")) var sigma: String = "auto"
    @Option(help: ArgumentHelp("Multiply the noise level the network is given: below 1 keeps more grain, above 1 removes more.", valueName: "0-4"))
    var strength: Double = 1
    @Option(help: ArgumentHelp("The network.", valueName: "ID|PATH")) var model: String?

    @OptionGroup var network: NetworkOptions
    @OptionGroup var batch: BatchFlags
    @OptionGroup var reporting: ReportingOptions
    @OptionGroup var out: OutputOptions
    @OptionGroup var common: CommonOptions

    func run() throws {
        let request = makeRequest(common: common, out: out, network: network) { $0.steps = [.denoise(sigma: sigma, strength: strength, model: model)] }
        try runJob(request, environment: try common.environment(), input: input, output: output, batch: batch, reporting: reporting)
    }
}
