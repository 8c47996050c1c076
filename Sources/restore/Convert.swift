import ArgumentParser
import Restore

/// `restore convert IN OUT [--to SPACE|PATH.icc] …`
struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Convert between formats, depths and colour spaces (the input's profile is kept unless --to).")

    @Argument(help: "Input: an image, a folder, a quoted glob, a frame pattern (shot.%04d.png, shot.####.png, shot.1001-1100#.png), or '-' (stdin; raw frames with --raw).") var input: String
    @Argument(help: "Output: an image (format from the extension), a folder, a frame pattern, or '-' (stdout: raw frames, or an image with --format).") var output: String

    @Option(help: ArgumentHelp("Convert pixels into this space and embed it: an ICC file or one of \(Request.builtInSpaces.joined(separator: ", ")).", valueName: "SPACE|PATH.icc"))
    var to: String?
    @Option(help: "Rendering intent.") var intent: Intent = .perceptual
    @Flag(help: "Black-point compensation.") var bpc = false
    @Option(name: .customLong("assume-profile"), help: ArgumentHelp("Profile of untagged inputs (default sRGB).", valueName: "SPACE|PATH.icc"))
    var assumeProfile: String?

    @OptionGroup var batch: BatchFlags
    @OptionGroup var reporting: ReportingOptions
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
        try runJob(request, environment: .bare, input: input, output: output, batch: batch, reporting: reporting)
    }
}
