import ArgumentParser
import Restore
#if canImport(Glibc)
import Glibc
#endif

// The facade's option enums as argument values: help and completions list their cases.
extension Depth: ExpressibleByArgument {}
extension Compression: ExpressibleByArgument {}
extension Intent: ExpressibleByArgument {}
extension LUTInterpolation: ExpressibleByArgument {}
extension ProgressMode: ExpressibleByArgument {}

/// Options every subcommand takes (`--config` is accepted everywhere, so scripts can pass it
/// uniformly; commands that use no plugins ignore it).
struct CommonOptions: ParsableArguments {
    @Option(help: "Worker threads (default: all cores, or $RESTORE_THREADS).")
    var threads: Int?

    @Option(help: ArgumentHelp("Config file (default: $RESTORE_CONFIG, ./restore.yaml, $XDG_CONFIG_HOME/restore/config.yaml, built-in).", valueName: "FILE"))
    var config: String?

    /// The config and plugins, with their warnings printed once.
    func environment() throws -> RestoreEnvironment {
        let env = try RestoreEnvironment.load(config: config)
        for w in env.warnings { StandardError.write("restore: warning: \(w)\n") }
        return env
    }
}

/// Options shared by commands that write an image.
struct OutputOptions: ParsableArguments {
    @Option(help: "Output bit depth.") var depth: Depth = .keep
    @Option(help: "TIFF compression.") var compression: Compression = .deflate
    @Option(help: "JPEG quality 1-100.") var quality: Int = 95
    @Flag(help: "Overwrite an existing output (never an input).") var force = false
    @Option(name: .customLong("max-megapixels"), help: ArgumentHelp("The largest input or output image, in millions of pixels (checked from the header before anything is allocated).", valueName: "N"))
    var maxMegapixels: Int = 268
}

/// Options of commands that run networks.
struct NetworkOptions: ParsableArguments {
    @Option(help: "Tile size in input pixels (default: the largest that fits --max-memory).")
    var tile: Int?

    @Option(name: .customLong("max-memory"), help: ArgumentHelp("Working memory for a network tile, in MB.", valueName: "MB"))
    var maxMemory: Int = 1024

    @Option(help: "Progress on stderr (auto: a bar when stderr is a terminal).")
    var progress: ProgressMode = .auto

    /// The progress reporter `--progress` asks for.
    var reporter: (@Sendable (ProgressEvent) -> Void)? {
        switch progress == .auto ? (isatty(2) != 0 ? .bar : .off) : progress {
        case .bar:
            return { e in StandardError.write("\rrestore: \(e.stage): tile \(e.done)/\(e.total)" + (e.done == e.total ? "\n" : "")) }
        case .json:
            return { e in StandardError.write("{\"stage\":\"\(e.stage)\",\"done\":\(e.done),\"total\":\(e.total)}\n") }
        default: return nil
        }
    }
}

/// The one place a `Request` is assembled from option groups.
func makeRequest(common: CommonOptions, out: OutputOptions? = nil, network: NetworkOptions? = nil,
                 _ edit: (inout Request) -> Void = { _ in }) -> Request {
    var r = Request()
    if let t = common.threads { r.threads = t }
    if let out {
        r.depth = out.depth; r.compression = out.compression; r.jpegQuality = out.quality; r.overwrite = out.force
        r.maxMegapixels = out.maxMegapixels
    }
    if let network {
        r.tile = network.tile; r.maxMemoryMB = network.maxMemory; r.progress = network.reporter
    }
    edit(&r)
    return r
}

/// Plans `request` and runs it on one image, printing the notes and warnings.
func runOne(_ request: Request, environment: RestoreEnvironment, input: String, output: String) throws {
    let plan = try Pipeline.plan(request, environment: environment)
    StandardError.report(try plan.run(input: input, output: output))
}
