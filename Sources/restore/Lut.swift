import ArgumentParser
import Restore

/// `restore lut apply | convert | info`
struct Lut: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lut",
        abstract: "Apply, convert and inspect LUTs (.cube, .3dl, .spi1d, .spi3d, .csp, .clf, .ctf, .cc, .ccc, .cdl, Hald images).",
        subcommands: [Apply.self, ConvertLUT.self, InfoLUT.self])

    struct Apply: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply a LUT to an image, or to raw frames from stdin to stdout (IN and OUT '-' with --raw).")

        @Argument(help: "The LUT file.") var lut: String
        @Argument(help: "Input: an image, a folder, a quoted glob, a frame pattern (shot.%04d.png, shot.####.png), or '-' (stdin; raw frames with --raw).") var input: String
        @Argument(help: "Output: an image, a folder, a frame pattern, or '-' (stdout: raw frames, or an image with --format).") var output: String
        @Option(help: "3D interpolation.") var interp: LUTInterpolation = .tetrahedral
        @Option(help: ArgumentHelp("The space the LUT was built for; the image is converted into it and back.", valueName: "SPACE|PATH.icc"))
        var space: String?
        @Option(help: "Blend with the input: 0 (none) to 1 (full LUT).") var strength: Double = 1
        @OptionGroup var batch: BatchFlags
        @OptionGroup var reporting: ReportingOptions
        @OptionGroup var out: OutputOptions
        @OptionGroup var common: CommonOptions

        func run() throws {
            let request = makeRequest(common: common, out: out) { r in
                r.steps = [.lut(lut, space: space, interpolation: interp, strength: strength)]
            }
            try runJob(request, environment: .bare, input: input, output: output, batch: batch, reporting: reporting)
        }
    }

    struct ConvertLUT: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "convert", abstract: "Convert a LUT to another format (from the output extension), optionally resampled.")
        @Argument(help: "Input LUT.") var input: String
        @Argument(help: "Output LUT (.cube, .3dl, .spi1d, .spi3d, .csp, .clf, .ctf, .cc, .ccc, .cdl, or .png/.tif for a Hald image).") var output: String
        @Option(help: "Resample to this size (3D: points per axis, 2-256; .spi1d: entries, up to 65536).") var size: Int?
        @Flag(help: "Overwrite an existing output (never the input).") var force = false
        @OptionGroup var common: CommonOptions

        func run() throws {
            try LUTLibrary.convert(input, to: output, size: size, overwrite: force)
        }
    }

    struct InfoLUT: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "info", abstract: "Describe a LUT: format, kind, size, domain, title.")
        @Argument(help: "The LUT file.") var lut: String
        @Flag(help: "Print one JSON object.") var json = false
        @OptionGroup var common: CommonOptions
        func run() throws {
            let r = try LUTReport(path: lut)
            print(json ? r.json : r.text)
        }
    }
}
