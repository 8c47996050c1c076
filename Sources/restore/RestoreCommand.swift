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
        subcommands: [Run.self, Info.self, Convert.self, Upscale.self, Denoise.self, Grade.self, Lut.self, Plugins.self],
        defaultSubcommand: Run.self
    )

    /// Runs the command; every failure becomes `restore: <file>: <message>` and an exit code.
    static func main() {
        RestoreRuntime.configureProcess()
        // A typo of a subcommand (`restore upscal a b`, `restore lut aply …`) is named, not run.
        var command: any ParsableCommand.Type = RestoreCommand.self
        var path = ["restore"]
        for word in CommandLine.arguments.dropFirst().prefix(2) {
            if let sub = command.configuration.subcommands.first(where: { name(of: $0) == word }) { command = sub; path.append(word); continue }
            if let near = misspelt(word, among: command.configuration.subcommands.map(name(of:))) {
                fail("unknown command '\(word)'; did you mean '\((path + [near]).joined(separator: " "))'? (see '\(path.joined(separator: " ")) --help')", code: 2)
            }
            break
        }
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

    static func name(of command: any ParsableCommand.Type) -> String {
        command.configuration.commandName ?? String(describing: command).lowercased()
    }

    /// The subcommand `word` is probably a typo of (edit distance ≤ 2), when `word` is neither
    /// a subcommand nor an option nor an existing file (`restore IN OUT` runs the default).
    static func misspelt(_ word: String, among names: [String]) -> String? {
        guard !names.isEmpty, !word.hasPrefix("-"), !names.contains(word), word != "help", access(word, F_OK) != 0, !word.contains("/"), !word.contains(".") else { return nil }
        let best = names.map { ($0, editDistance(word, $0)) }.min { $0.1 < $1.1 }
        return best.flatMap { $0.1 <= 2 && $0.1 < $0.0.count / 2 + 1 ? $0.0 : nil }
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.utf8), b = Array(b.utf8)
        var row = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var prev = row[0]; row[0] = i
            for j in 1...max(b.count, 1) where !b.isEmpty {
                let cur = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] == b[j - 1] ? 0 : 1))
                prev = cur
            }
        }
        return row[b.count]
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
}
