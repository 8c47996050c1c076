import ArgumentParser
import Restore

/// `restore convert IN OUT [--to SPACE|PATH.icc] …`
struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Convert between formats, depths and colour spaces (the input's profile is kept unless --to).")

    @Argument(help: "Input image (PNG, TIFF, JPEG).") var input: String
    @Argument(help: "Output image; the format follows the extension.") var output: String

    @Option(help: ArgumentHelp("Convert pixels into this space and embed it.", valueName: "SPACE|PATH.icc"))
    var to: String?

    @Option(help: ArgumentHelp("Rendering intent.", valueName: "perceptual|relative|saturation|absolute"))
    var intent: String = "perceptual"

    @Flag(help: "Black-point compensation.") var bpc = false

    @Option(name: .customLong("assume-profile"), help: ArgumentHelp("Profile of untagged inputs (default sRGB).", valueName: "SPACE|PATH.icc"))
    var assumeProfile: String?

    @OptionGroup var out: OutputOptions
    @OptionGroup var common: CommonOptions

    func validate() throws {
        if RenderingIntent(rawValue: intent) == nil {
            throw ValidationError("--intent must be perceptual, relative, saturation or absolute (got '\(intent)')")
        }
    }

    func run() throws {
        var o = ConvertOptions()
        o.targetSpace = to
        o.assumeProfile = assumeProfile
        o.intent = RenderingIntent(rawValue: intent) ?? .perceptual
        o.blackPointCompensation = bpc
        o.threads = common.resolvedThreads
        out.apply(to: &o)
        let report = try convert(input: input, output: output, options: o)
        printWarnings(report.warnings, file: input)
    }
}
