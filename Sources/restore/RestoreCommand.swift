import ArgumentParser
import Restore
#if canImport(Glibc)
import Glibc
#endif

/// `restore` — argument parsing and error-to-exit-code mapping only; the work is library code.
@main
struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore and colour-correct photos and frames, keeping bit depth, alpha and colour profile.",
        discussion: """
            Exit codes: 0 ok, 1 some items failed, 2 usage, 3 input unreadable, 4 output unwritable.
            """,
        version: restoreVersion,
        subcommands: [Run.self, Info.self, Convert.self, Upscale.self, Denoise.self, Lut.self, Plugins.self],
        defaultSubcommand: Run.self
    )

    /// Runs the command; every failure becomes `restore: <file>: <message>` and an exit code.
    static func main() {
        MemoryPolicy.retainFreedBuffers()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as any RestoreError {
            fail(error.description, code: error.category.exitCode)
        } catch {
            let code = exitCode(for: error)
            let text = fullMessage(for: error)
            if code == .success {
                if !text.isEmpty { print(text) }
                Glibc.exit(0)
            }
            if code == ExitCode.validationFailure || error is ValidationError {
                // Usage errors: ArgumentParser's message and usage, our exit code 2.
                FileHandle.standardError.write("restore: " + text + "\n")
                Glibc.exit(2)
            }
            if !text.isEmpty { FileHandle.standardError.write(text + "\n") }
            Glibc.exit(code.rawValue)
        }
    }

    static func fail(_ message: String, code: Int32) -> Never {
        FileHandle.standardError.write("restore: \(message)\n")
        Glibc.exit(code)
    }
}

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
        for w in env.warnings { FileHandle.standardError.write("restore: warning: \(w)\n") }
        return env
    }

    func validate() throws {
        if let t = threads, t < 1 { throw ValidationError("--threads must be at least 1") }
    }
    var resolvedThreads: Int { threads ?? Parallelism.defaultThreads }
}

/// Options shared by commands that write an image.
struct OutputOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Output bit depth.", valueName: "keep|8|16|32"))
    var depth: String = "keep"

    @Option(help: ArgumentHelp("TIFF compression.", valueName: "none|lzw|deflate|packbits"))
    var compression: String = "deflate"

    @Option(help: "JPEG quality 1-100.")
    var quality: Int = 95

    @Flag(help: "Overwrite an existing output (never an input).")
    var force = false

    func validate() throws {
        if DepthChoice(argument: depth) == nil { throw ValidationError("--depth must be keep, 8, 16 or 32 (got '\(depth)')") }
        if TIFFCompression(rawValue: compression) == nil {
            throw ValidationError("--compression must be none, lzw, deflate or packbits (got '\(compression)')")
        }
        if !(1...100).contains(quality) { throw ValidationError("--quality must be 1-100 (got \(quality))") }
    }

    func apply(to o: inout ConvertOptions) {
        o.depth = DepthChoice(argument: depth) ?? .keep
        o.tiffCompression = TIFFCompression(rawValue: compression) ?? .deflate
        o.jpegQuality = quality
        o.overwrite = force
    }
}

/// Options of commands that run networks.
struct NetworkOptions: ParsableArguments {
    @Option(help: "Tile size in input pixels (default: the largest that fits --max-memory).")
    var tile: Int?

    @Option(name: .customLong("max-memory"), help: ArgumentHelp("Working memory for a network tile, in MB.", valueName: "MB"))
    var maxMemory: Int = 1024

    @Option(help: ArgumentHelp("Progress on stderr (auto: a bar when stderr is a terminal).", valueName: "auto|bar|json|off"))
    var progress: String = "auto"

    func validate() throws {
        if let t = tile, t < 8 { throw ValidationError("--tile must be at least 8 (got \(t))") }
        if maxMemory < 16 { throw ValidationError("--max-memory must be at least 16 MB (got \(maxMemory))") }
        if !["auto", "bar", "json", "off"].contains(progress) { throw ValidationError("--progress must be auto, bar, json or off (got '\(progress)')") }
    }

    var tiling: TilingOptions {
        var t = TilingOptions()
        t.tile = tile
        t.memoryBudget = maxMemory << 20
        return t
    }

    /// The progress reporter `--progress` asks for.
    var reporter: (@Sendable (String, Int, Int) -> Void)? {
        let mode = progress == "auto" ? (isatty(2) != 0 ? "bar" : "off") : progress
        switch mode {
        case "bar":
            return { stage, done, total in
                FileHandle.standardError.write("\rrestore: \(stage): tile \(done)/\(total)" + (done == total ? "\n" : ""))
            }
        case "json":
            return { stage, done, total in
                FileHandle.standardError.write("{\"stage\":\"\(stage)\",\"done\":\(done),\"total\":\(total)}\n")
            }
        default: return nil
        }
    }
}

func printWarnings(_ warnings: [String], file: String) {
    for w in warnings { FileHandle.standardError.write("restore: \(file): warning: \(w)\n") }
}

func printNotes(_ notes: [String], file: String) {
    for n in notes { FileHandle.standardError.write("restore: \(file): \(n)\n") }
}

/// Minimal stderr/stdout writer without Foundation.
enum FileHandle {
    case standardError
    func write(_ s: String) {
        var s = s
        s.withUTF8 { buf in _ = Glibc.write(2, buf.baseAddress, buf.count) }
    }
}
