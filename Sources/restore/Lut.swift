import ArgumentParser
import Restore

/// `restore lut apply | convert | info`
struct Lut: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lut",
        abstract: "Apply, convert and inspect LUTs (.cube, .3dl, .spi1d, .spi3d, .csp, Hald images).",
        subcommands: [Apply.self, ConvertLUT.self, InfoLUT.self])

    struct Apply: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply a LUT to an image, or to raw frames from stdin to stdout (IN and OUT '-' with --raw).")

        @Argument(help: "The LUT file.") var lut: String
        @Argument(help: "Input image, or '-' for raw frames on stdin.") var input: String
        @Argument(help: "Output image, or '-' for raw frames on stdout.") var output: String
        @OptionGroup var lutOptions: LUTOptions
        @Option(help: ArgumentHelp("Raw frame layout for '-' streams, e.g. 3840x2160:rgb48le.", valueName: "WxH:rgb48le|rgbf32le|rgb24"))
        var raw: String?
        @OptionGroup var out: OutputOptions
        @OptionGroup var common: CommonOptions

        func validate() throws {
            if (input == "-") != (output == "-") { throw ValidationError("use '-' for both IN and OUT (raw streams), or for neither") }
            if input == "-" && raw == nil { throw ValidationError("'-' needs --raw WIDTHxHEIGHT:rgb48le|rgbf32le|rgb24") }
        }

        func run() throws {
            if input == "-" {
                if lutOptions.space != nil { throw OptionError("--space is not available on raw streams (they carry no profile)") }
                let format = try RawFormat(raw!)
                let processor = LUTProcessor(try LUTLibrary.load(path: lut), interpolation: lutOptions.interpolation)
                try streamRawFrames(processor, format: format, strength: lutOptions.strength, threads: common.resolvedThreads)
                return
            }
            var o = ConvertOptions()
            o.threads = common.resolvedThreads
            out.apply(to: &o)
            o.stages = [.lut(path: lut, options: lutOptions.options)]
            printWarnings(try convert(input: input, output: output, options: o).warnings, file: input)
        }
    }

    struct ConvertLUT: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "convert", abstract: "Convert a LUT to another format (from the output extension), optionally resampled.")
        @Argument(help: "Input LUT.") var input: String
        @Argument(help: "Output LUT (.cube, .3dl, .spi1d, .spi3d, .csp, or .png/.tif for a Hald image).") var output: String
        @Option(help: "Resample to this size (3D: points per axis; 1D: entries).") var size: Int?
        @Flag(help: "Overwrite an existing output.") var force = false
        @OptionGroup var common: CommonOptions

        func validate() throws {
            if let s = size, !(2...256).contains(s) && !(LUTFormat.fromExtension(of: output) == .spi1d && (2...65536).contains(s)) {
                throw ValidationError("--size must be 2-256 (up to 65536 for .spi1d)")
            }
        }
        func run() throws {
            try PathSafety.checkDistinct(input: input, output: output)
            try LUTLibrary.save(try LUTLibrary.load(path: input), to: output, size: size, overwrite: force)
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

/// LUT options shared by `lut apply` and the default command's `--lut`.
struct LUTOptions: ParsableArguments {
    @Option(help: ArgumentHelp("3D interpolation.", valueName: "tetrahedral|trilinear|nearest"))
    var interp: String = "tetrahedral"
    @Option(help: ArgumentHelp("The space the LUT was built for; the image is converted into it and back.", valueName: "SPACE|PATH.icc"))
    var space: String?
    @Option(help: "Blend with the input: 0 (none) to 1 (full LUT).") var strength: Float = 1

    func validate() throws {
        if Interpolation(rawValue: interp) == nil { throw ValidationError("--interp must be tetrahedral, trilinear or nearest (got '\(interp)')") }
        if !(0...1).contains(strength) { throw ValidationError("--strength must be between 0 and 1") }
    }
    var interpolation: Interpolation { Interpolation(rawValue: interp) ?? .tetrahedral }
    var options: LUTApplyOptions {
        var o = LUTApplyOptions()
        o.interpolation = interpolation; o.space = space; o.strength = strength
        return o
    }
}
