import ArgumentParser
import Restore
#if canImport(Glibc)
import Glibc
#endif

/// The batch flags of every command that writes images: what IN expands to, how the work is
/// split, resumed and reported (ARCHITECTURE.md, docs/batch.md).
struct BatchFlags: ParsableArguments {
    @Option(help: ArgumentHelp("Raw frames on stdin/stdout (IN and OUT '-'), as ffmpeg names them: WxH:rgb24|rgb48le|rgba64le|rgbf32le|gbrp10le|gbrp12le|gbrp16le|gbrpf32le|gbrapf32le.", valueName: "WxH:FMT"))
    var raw: String?
    @Flag(help: "IN is a folder: also take the images in its subfolders, mirroring the tree into OUT.")
    var recursive = false
    @Option(help: ArgumentHelp("Frames of a sequence IN: 1001-1100, 1001-1100x2, 1,5,10-20 (default: those on disk).", valueName: "RANGES"))
    var frames: String?
    @Option(help: ArgumentHelp("Folder outputs: write this format (an extension: png, tif, jpg) instead of the input's.", valueName: "EXT"), completion: .list(["png", "tif", "jpg"]))
    var format: String?
    @Option(help: ArgumentHelp("Run the K-th of N contiguous chunks of the sorted items (1-based), or auto: from the Slurm array task or the Kubernetes Indexed Job.", valueName: "K/N|auto"), completion: .list(["auto"]))
    var shard: String?
    @Option(name: .customLong("shard-count"), help: ArgumentHelp("With --shard auto in a Kubernetes Indexed Job: the Job's completions.", valueName: "N"))
    var shardCount: Int?
    @Flag(name: .customLong("skip-existing"), help: "Skip items whose output exists (counted as skipped, exit 0): re-running resumes an interrupted batch.")
    var skipExisting = false
    @Option(help: ArgumentHelp("Items run in parallel (1-256); the threads are divided between them.", valueName: "N"))
    var jobs: Int = 1
    @Option(help: ArgumentHelp("Write every item's input, output, status, error, seconds and notes to this JSON file.", valueName: "FILE.json"), completion: .file(extensions: ["json"]))
    var report: String?
    @Flag(name: .customLong("per-frame"), help: "Sequences: decide parameters (σ) on every frame alone, instead of once per shot.")
    var perFrame = false
    @Option(name: .customLong("shot-frames"), help: ArgumentHelp("Sequences: a new shot every N frames (default: the whole sequence is one shot).", valueName: "N"))
    var shotFrames: Int?
    @Option(help: ArgumentHelp("Sequences: frames where a new shot starts (a cut list).", valueName: "F,F,…"))
    var cuts: String?

    @Option(help: ArgumentHelp("Video OUT: prores (4444 XQ), prores422, ffv1, h264, h265 (default from the extension: .mov prores, .mkv ffv1, .mp4 h264).", valueName: "CODEC"),
            completion: .list(["prores", "prores422", "ffv1", "h264", "h265"]))
    var codec: String?
    @Option(name: .customLong("ffmpeg-args"), help: ArgumentHelp("Video OUT: more ffmpeg encoder options, after ours (split at spaces).", valueName: "'ARGS'"))
    var ffmpegArgs: String?

    /// The library's options (`--shard auto` reads the environment).
    func options() throws -> BatchOptions {
        var o = BatchOptions()
        o.recursive = recursive
        o.frames = try frames.map { try FrameSet(parsing: $0) }
        if let format {
            guard !format.isEmpty, format.count <= 8, format.allSatisfy({ $0.isLetter || $0.isNumber }) else {
                throw ValidationError("--format takes an extension such as png, tif or jpg, got '\(format)'")
            }
            o.format = format.lowercased()
        }
        if shardCount != nil && shard != "auto" { throw ValidationError("--shard-count goes with --shard auto") }
        o.shard = try shard.map { try Shard(parsing: $0, count: shardCount, environment: ProcessEnvironment.variables) }
        o.skipExisting = skipExisting
        o.jobs = jobs
        o.perFrame = perFrame
        o.shotFrames = shotFrames
        o.cuts = try cuts.map { try FrameSet(parsing: $0, flag: "--cuts") }
        return o
    }
}

/// How much a command says, and how (`--progress`, `--quiet`, `--verbose`).
struct ReportingOptions: ParsableArguments {
    @Option(help: "Progress on stderr: a bar (auto: when stderr is a terminal), JSON Lines (docs/progress.md; then stderr carries nothing else), or off.")
    var progress: ProgressMode = .auto
    @Flag(name: .shortAndLong, help: "Print only errors.") var quiet = false
    @Flag(name: .shortAndLong, help: "Also print every item's stage decisions and colour conversions.") var verbose = false

    var mode: ProgressMode { progress == .auto ? (isatty(2) != 0 && !quiet ? .bar : .off) : progress }
}

/// The process environment as a dictionary (for `--shard auto`).
enum ProcessEnvironment {
    static var variables: [String: String] {
        var out: [String: String] = [:]
        var p = environ
        while let entry = p.pointee {
            let s = String(cString: entry)
            if let eq = s.firstIndex(of: "=") { out[String(s[..<eq])] = String(s[s.index(after: eq)...]) }
            p += 1
        }
        return out
    }
}
