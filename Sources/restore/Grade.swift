import ArgumentParser
import Restore

/// `restore grade IN OUT --auto | --match REF [--strength S] [--export-lut FILE.cube]`
struct Grade: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Correct colour (--auto) or match a reference's look (--match REF) with one global 3D LUT.",
        discussion: """
            The grade is one LUT per image, or per shot for sequences, streams and videos (decided from sampled frames, so \
            nothing flickers; --per-frame decides each frame). --export-lut writes exactly the LUT applied, for a colourist's \
            tools; --strength blends it with the identity. Alpha is untouched; depth and profile are kept.
            """)

    @Argument(help: "Input: an image, a folder, a quoted glob, a frame pattern (shot.%04d.png, shot.####.png, shot.1001-1100#.png), or '-' (stdin; raw frames with --raw).") var input: String
    @Argument(help: "Output: an image (format from the extension), a folder, a frame pattern, or '-' (stdout: raw frames, or an image with --format).") var output: String
    @Flag(help: "Restore the colour: exposure, white balance, fades and casts (the default).") var auto = false
    @Option(help: ArgumentHelp("Match the look of this image.", valueName: "REF")) var match: String?
    @Option(help: ArgumentHelp("Blend with the identity in LUT space: 0 (none) to 1 (the full grade).", valueName: "0-1")) var strength: Double = 1
    @Option(name: .customLong("export-lut"), help: ArgumentHelp("Also write the LUT applied (.cube, .3dl, .spi3d, .csp, .clf, .ctf); one per shot: FILE, FILE.2…", valueName: "FILE.cube"))
    var exportLUT: String?
    @Option(name: .customLong("lut-size"), help: ArgumentHelp("Nodes per axis of the LUT applied and exported.", valueName: "17-65")) var lutSize: Int = 33
    @Option(name: .customLong("lut-space"), help: ArgumentHelp("The space the LUT applies in (default srgb); the image is converted into it and back.", valueName: "SPACE|PATH.icc"))
    var lutSpace: String?
    @Option(help: ArgumentHelp("The grade plugin.", valueName: "ID|PATH")) var model: String?

    @OptionGroup var batch: BatchFlags
    @OptionGroup var reporting: ReportingOptions
    @OptionGroup var out: OutputOptions
    @OptionGroup var common: CommonOptions

    func validate() throws {
        if auto && match != nil { throw ValidationError("--auto and --match are exclusive: choose one") }
    }

    func run() throws {
        let request = makeRequest(common: common, out: out) {
            $0.steps = [.grade(match: match, strength: strength, lutSize: lutSize, space: lutSpace, export: exportLUT, plugin: model)]
        }
        try runJob(request, environment: try common.environment(), input: input, output: output, batch: batch, reporting: reporting)
    }
}
