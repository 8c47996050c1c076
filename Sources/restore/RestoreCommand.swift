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
        subcommands: [Run.self, Info.self, Convert.self, Lut.self],
        defaultSubcommand: Run.self
    )

    /// Runs the command; every failure becomes `restore: <file>: <message>` and an exit code.
    static func main() {
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

/// Options every subcommand takes.
struct CommonOptions: ParsableArguments {
    @Option(help: "Worker threads (default: all cores, or $RESTORE_THREADS).")
    var threads: Int?

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

func printWarnings(_ warnings: [String], file: String) {
    for w in warnings { FileHandle.standardError.write("restore: \(file): warning: \(w)\n") }
}

/// Minimal stderr/stdout writer without Foundation.
enum FileHandle {
    case standardError
    func write(_ s: String) {
        var s = s
        s.withUTF8 { buf in _ = Glibc.write(2, buf.baseAddress, buf.count) }
    }
}
