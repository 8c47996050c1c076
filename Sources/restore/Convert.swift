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
    @Option(help: "Rendering intent.") var intent: Intent = .perceptual
    @Flag(help: "Black-point compensation.") var bpc = false
    @Option(name: .customLong("assume-profile"), help: ArgumentHelp("Profile of untagged inputs (default sRGB).", valueName: "SPACE|PATH.icc"))
    var assumeProfile: String?

    @OptionGroup var out: OutputOptions
    @OptionGroup var common: CommonOptions

    func run() throws {
        let request = makeRequest(common: common, out: out) { r in
            r.steps = []
            r.outputProfile = to
            r.intent = intent
            r.blackPointCompensation = bpc
            r.assumeProfile = assumeProfile
        }
        try runOne(request, environment: .bare, input: input, output: output)
    }
}
