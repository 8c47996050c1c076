import ArgumentParser
import Restore

/// `restore [run] IN OUT` — the default command. Until the restoration pipeline lands it
/// converts like `restore convert`, keeping depth, alpha and profile.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Restore IN into OUT with the default pipeline (currently: a colour-managed conversion).")

    @Argument(help: "Input image (PNG, TIFF, JPEG).") var input: String
    @Argument(help: "Output image; the format follows the extension.") var output: String

    @Option(name: .customLong("output-profile"),
            help: ArgumentHelp("Output colour profile.", valueName: "keep|SPACE|PATH.icc"))
    var outputProfile: String = "keep"

    @Option(name: .customLong("assume-profile"), help: ArgumentHelp("Profile of untagged inputs (default sRGB).", valueName: "SPACE|PATH.icc"))
    var assumeProfile: String?

    @Option(help: "Apply this LUT (.cube, .3dl, .spi1d, .spi3d, .csp, Hald image) before the output conversion.")
    var lut: String?

    @Option(name: .customLong("lut-space"), help: ArgumentHelp("The space the LUT was built for.", valueName: "SPACE|PATH.icc"))
    var lutSpace: String?

    @OptionGroup var out: OutputOptions
    @OptionGroup var common: CommonOptions

    func run() throws {
        var o = ConvertOptions()
        o.targetSpace = outputProfile == "keep" ? nil : outputProfile
        o.assumeProfile = assumeProfile
        o.threads = common.resolvedThreads
        out.apply(to: &o)
        if let lut {
            var l = LUTApplyOptions()
            l.space = lutSpace
            o.lut = (lut, l)
        }
        let report = try convert(input: input, output: output, options: o)
        printWarnings(report.warnings, file: input)
    }
}
