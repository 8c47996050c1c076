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
    @Option(help: "TIFF: none, lzw, deflate, packbits. OpenEXR: none, rle, zips, zip (deflate means zip), piz, pxr24, b44, b44a.")
    var compression: Compression = .deflate
    @Option(help: "JPEG quality 1-100.") var quality: Int = 95
    @Option(name: .customLong("exr-tile"), help: ArgumentHelp("OpenEXR output: square tiles of N pixels (16-4096) instead of scanlines.", valueName: "N"))
    var exrTile: Int?
    @Flag(help: "Overwrite an existing output (never an input).") var force = false
    @Option(name: .customLong("max-megapixels"), help: ArgumentHelp("The largest input or output image, in millions of pixels (checked from the header before anything is allocated).", valueName: "N"))
    var maxMegapixels: Int = 268
    @Option(help: ArgumentHelp("OpenEXR input: the part to read (0-based; default the first).", valueName: "N"))
    var part: Int?
    @Option(help: ArgumentHelp("OpenEXR input: the layer to read (e.g. diffuse for diffuse.R/G/B/A; default the unnamed layer).", valueName: "NAME"))
    var layer: String?
}

/// Options of commands that run networks.
struct NetworkOptions: ParsableArguments {
    @Option(help: "Tile size in input pixels (default: the largest that fits --max-memory).")
    var tile: Int?

    @Option(name: .customLong("max-memory"), help: ArgumentHelp("Working memory for a network tile, in MB.", valueName: "MB"))
    var maxMemory: Int = 1024
}

/// The one place a `Request` is assembled from option groups.
func makeRequest(common: CommonOptions, out: OutputOptions? = nil, network: NetworkOptions? = nil,
                 _ edit: (inout Request) -> Void = { _ in }) -> Request {
    var r = Request()
    if let t = common.threads { r.threads = t }
    if let out {
        r.depth = out.depth; r.compression = out.compression; r.jpegQuality = out.quality; r.overwrite = out.force
        r.maxMegapixels = out.maxMegapixels
        r.part = out.part; r.layer = out.layer; r.exrTile = out.exrTile
    }
    if let network {
        r.tile = network.tile; r.maxMemoryMB = network.maxMemory
    }
    edit(&r)
    return r
}

/// Runs `request` on IN → OUT: one image, a folder, a glob or a frame sequence (a `Batch`),
/// single images through stdin/stdout, or raw frames (`--raw`). Exit codes: a single image's
/// failure keeps its own (3 input, 4 output, 2 usage); a batch with failures exits 1.
func runJob(_ request: Request, environment: RestoreEnvironment, input: String, output: String,
            batch: BatchFlags, reporting: ReportingOptions) throws {
    let reporter = Reporter(reporting)
    if let raw = batch.raw {
        guard input == "-", output == "-" else { throw ValidationError("--raw streams frames: use '-' for both IN and OUT") }
        let plan = try Pipeline.plan(request, environment: environment)
        let out = try plan.outputFormat(forRaw: raw)
        if !reporting.quiet { reporter.line("restore: output frames \(out)") }
        try plan.streamRaw(raw, perFrame: batch.perFrame, jobs: batch.jobs) { reporter.handle($0) }
        return
    }
    if VideoFile.isVideo(input) {
        let plan = try Pipeline.plan(request, environment: environment)
        let frames = try plan.runVideo(input: input, output: output, codec: batch.codec,
                                       ffmpegArgs: batch.ffmpegArgs.map { $0.split(separator: " ").map(String.init) } ?? [],
                                       perFrame: batch.perFrame) { reporter.handle($0) }
        if !reporting.quiet { reporter.line("restore: \(output): \(frames) frames") }
        return
    }
    if batch.codec != nil || batch.ffmpegArgs != nil { throw ValidationError("--codec and --ffmpeg-args go with a video IN (.mov, .mp4, .mkv, …)") }
    if input == "-" && output == "-" { throw ValidationError("'-' as both IN and OUT streams raw frames: add --raw WIDTHxHEIGHT:FORMAT") }
    // Single images through stdin/stdout: temporary files in between.
    var request = request, input = input, output = output
    var spool: StandardStreams?, emit: StandardStreams?
    defer { spool?.remove(); emit?.remove() }
    if input == "-" {
        spool = try StandardStreams.spoolInput(limit: request.maxMegapixels * 16_000_000 + (64 << 20))
        input = spool!.path
        reporter.aliases[input] = "-"
    }
    if output == "-" {
        guard let ext = batch.format else { throw ValidationError("writing an image to stdout ('-') needs --format png|tif|jpg") }
        emit = try StandardStreams(extension: ext)
        output = emit!.path
        reporter.aliases[output] = "-"
        request.overwrite = true  // our own empty temporary file
    } else if spool != nil, batch.format != nil {
        throw ValidationError("--format goes with a folder OUT or '-'; a file OUT's format follows its extension")
    }
    var options = try batch.options()
    if emit != nil { options.format = nil }
    let job = try Batch(request, environment: environment, input: input, output: output, options: options)
    if let report = batch.report {
        for file in job.items.map(\.input) + job.plan.readFiles { try PathSafety.checkDistinct(input: file, output: report) }
    }
    let summary = job.run { reporter.handle($0) }
    if let report = batch.report { try Batch.makeFolders(for: report); try summary.writeReport(to: report) }
    if let emit, summary.failed == 0 { try emit.emit() }
    // The failure was reported as its item ended; a single image keeps its own exit code.
    // (ExitCode is thrown, not exit() called, so the temporary files above are removed.)
    if job.kind.isSingle && job.options.shard == nil, let f = summary.failures.first { throw ExitCode(f.exitCode ?? 1) }
    if summary.failed > 0 { throw ExitCode(1) }
}
