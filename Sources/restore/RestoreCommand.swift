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
            Exit codes: 0 ok, 1 some items failed, 2 usage, 3 input unreadable, 4 output unwritable, 130 interrupted.
            """,
        version: restoreVersion,
        subcommands: [Run.self, Info.self, Convert.self, Upscale.self, Denoise.self, Lut.self, Plugins.self],
        defaultSubcommand: Run.self
    )

    /// Runs the command; every failure becomes `restore: <file>: <message>` and an exit code.
    static func main() {
        RestoreRuntime.configureProcess()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if let failure = Failure(error) { fail(failure.description, code: failure.exitCode) }
            let code = exitCode(for: error)
            let text = fullMessage(for: error)
            if code == .success {
                if !text.isEmpty { print(text) }
                Glibc.exit(0)
            }
            if code == ExitCode.validationFailure || error is ValidationError {
                // Usage errors: ArgumentParser's message and usage, our exit code 2.
                fail(text, code: 2)
            }
            if !text.isEmpty { StandardError.write(text + "\n") }
            Glibc.exit(code.rawValue)
        }
    }

    static func fail(_ message: String, code: Int32) -> Never {
        if Reporter.json { StandardError.write(BatchEvent.error(message: message, exitCode: code).json + "\n") }
        else { StandardError.write("restore: \(message)\n") }
        Glibc.exit(code)
    }
}

/// Minimal stderr writer without Foundation.
enum StandardError {
    static func write(_ s: String) {
        var s = s
        s.withUTF8 { buf in _ = Glibc.write(2, buf.baseAddress, buf.count) }
    }

    /// A report's notes and warnings, one line each, naming the input.
    static func report(_ r: ItemReport) {
        for n in r.notes { write("restore: \(r.input): \(n)\n") }
        for w in r.warnings { write("restore: \(r.input): warning: \(w)\n") }
    }
}
