import Restore
#if canImport(Glibc)
import Glibc
#endif

/// Turns batch events into what the user sees on stderr: a redrawn bar on a terminal, JSON
/// Lines (`--progress json`, and then nothing else on stderr), or plain lines; `--quiet`
/// leaves only failures, `--verbose` adds every item's notes and conversions.
final class Reporter: @unchecked Sendable {
    /// Set once a command chooses JSON, so a fatal error is reported as a JSON event too.
    nonisolated(unsafe) static var json = false

    let mode: ProgressMode, quiet: Bool, verbose: Bool
    private var stages: [String] = []
    private var items = 0, finished = 0
    private var fraction: [Int: Double] = [:]
    private var started = 0.0, lastDraw = 0.0
    private var barShown = false
    private var current = ""
    /// Temporary paths standing for stdin/stdout, shown as `-`.
    var aliases: [String: String] = [:]

    init(_ options: ReportingOptions) {
        mode = options.mode; quiet = options.quiet; verbose = options.verbose
        Reporter.json = mode == .json
    }

    /// Prints one event (events arrive one at a time).
    func handle(_ event: BatchEvent) {
        if mode == .json { StandardError.write(shown(event.json) + "\n"); return }
        switch event {
        case let .start(n, all, shard, jobs, labels, _):
            stages = labels; items = n; started = Self.now()
            if verbose || (!quiet && shard != nil) {
                line("restore: \(n) item\(n == 1 ? "" : "s")" + (shard.map { " (shard \($0) of \(all))" } ?? "")
                     + ", \(jobs) job\(jobs == 1 ? "" : "s"), stages: \(labels.isEmpty ? "none" : labels.joined(separator: ", "))")
            }
        case let .progress(index, _, stage, done, total, _, _, _):
            if total > 0 {
                if let s = stages.firstIndex(of: stage) {
                    fraction[index] = (Double(s) + Double(done) / Double(total)) / Double(Swift.max(stages.count, 1))
                } else { fraction[index] = Double(done) / Double(total) }  // frames of a video
                current = "\(stage) \(done)/\(total)"
            } else { current = "\(stage) \(done)" }  // a stream: frames so far
            draw()
        case let .item(r):
            finished += 1
            fraction[r.index] = nil
            switch r.status {
            case .failed: line("restore: \(r.error ?? r.input)")
            case .skipped: if verbose { line("restore: \(r.output): exists, skipped") }
            case .done:
                if !quiet {
                    // A single item's decisions are always shown; a batch's with --verbose.
                    if items == 1 || verbose { for n in r.notes { line("restore: \(r.input): \(n)") } }
                    for w in r.warnings { line("restore: \(r.input): warning: \(w)") }
                    if verbose {
                        if !r.conversions.isEmpty { line("restore: \(r.input): colour: \(r.conversions.joined(separator: ", "))") }
                        line("restore: \(r.output): written in \(Self.clock(r.seconds, fine: true))")
                    }
                }
            }
            draw()
        case .error(let message, _):
            line("restore: \(message)")
        case let .summary(s):
            clearBar()
            if items > 1 && !quiet { line("restore: " + s.text.split(separator: "\n")[0]) }
            if items > 1 && s.failed > 0 {
                line("restore: \(s.failed) failed:")
                for f in s.failures { line("  \(f.error ?? f.input)") }
            }
        }
    }

    /// A line of human text, above the bar.
    func line(_ s: String) {
        guard mode != .json else { return }
        clearBar()
        StandardError.write(shown(s) + "\n")
    }

    private func shown(_ s: String) -> String {
        aliases.reduce(s) { $0.replacing($1.key, with: $1.value) }
    }

    private func draw(force: Bool = false) {
        guard mode == .bar else { return }
        let t = Self.now()
        if !force && t - lastDraw < 0.1 { return }
        lastDraw = t
        if items == 0 {  // a stream: no total
            StandardError.write("\r\u{1B}[Krestore: \(current) \(Self.clock(t - started))")
            barShown = true
            return
        }
        let p = Swift.min(1, (Double(finished) + fraction.values.reduce(0, +)) / Double(Swift.max(items, 1)))
        let elapsed = t - started
        let width = 24, filled = Int(p * Double(width))
        var s = "\r\u{1B}[Krestore: \(Int(p * 100))% [" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "]"
        if items > 1 { s += " \(finished)/\(items) items" }
        s += " \(Self.clock(elapsed))"
        if p > 0.01 { s += " ETA \(Self.clock(elapsed * (1 - p) / p))" }
        if !current.isEmpty { s += "  \(current)" }
        StandardError.write(s)
        barShown = true
    }

    private func clearBar() {
        if barShown { StandardError.write("\r\u{1B}[K"); barShown = false }
    }

    /// `m:ss` (or `h:mm:ss`); `fine`: seconds with a decimal under a minute.
    static func clock(_ seconds: Double, fine: Bool = false) -> String {
        if fine && seconds < 60 { return "\((seconds * 10).rounded() / 10) s" }
        let t = Int(seconds.rounded())
        let (h, m, s) = (t / 3600, t / 60 % 60, t % 60)
        let mm = h > 0 && m < 10 ? "0\(m)" : "\(m)", ss = s < 10 ? "0\(s)" : "\(s)"
        return h > 0 ? "\(h):\(mm):\(ss)" : "\(mm):\(ss)"
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
