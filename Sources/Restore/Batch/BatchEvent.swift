import RestoreCore
import RestoreIO
#if canImport(Glibc)
import Glibc
#endif

/// What a running batch reports, in order: one `start`, `progress` while items run, one
/// `item` per item as it finishes, one `summary`. `json` is the `--progress json` line
/// (schema in docs/progress.md).
public enum BatchEvent: Sendable {
    /// `items` this process runs (its shard) of `allItems` in IN; for a raw stream (items 0:
    /// unknown), `output` is the layout of the frames written (`1920x1080:rgb48le`).
    case start(items: Int, allItems: Int, shard: Shard?, jobs: Int, stages: [String], output: String? = nil)
    /// Work inside item `index` (0-based in this process): `done` of `total` units of `stage`
    /// (tiles; frames for streams), and how many items have finished.
    case progress(index: Int, input: String, stage: String, done: Int, total: Int, finished: Int, items: Int, seconds: Double)
    case item(BatchItemResult)
    case summary(BatchSummary)
    /// A failure outside any item (bad options, nothing matched): the command's last event.
    case error(message: String, exitCode: Int32)

    /// One JSON object on one line.
    public var json: String {
        var w = JSONObjectWriter()
        switch self {
        case let .start(items, allItems, shard, jobs, stages, output):
            w.add("event", .string("start"))
            w.add("items", .int(items))
            w.add("all_items", .int(allItems))
            w.add("shard", shard.map { .string($0.description) } ?? .null)
            w.add("jobs", .int(jobs))
            w.add("stages", .array(stages.map { .string($0) }))
            if let output { w.add("output_frame", .string(output)) }
        case let .progress(index, input, stage, done, total, finished, items, seconds):
            w.add("event", .string("progress"))
            w.add("index", .int(index))
            w.add("input", .string(input))
            w.add("stage", .string(stage))
            w.add("done", .int(done))
            w.add("total", .int(total))
            w.add("finished", .int(finished))
            w.add("items", .int(items))
            w.add("seconds", .double(Self.round(seconds)))
        case let .item(r):
            w = r.fields
            w.prepend("event", .string("item"))
        case let .summary(s):
            w = s.fields(withItems: false)
            w.prepend("event", .string("summary"))
        case let .error(message, code):
            w.add("event", .string("error"))
            w.add("message", .string(message))
            w.add("exit_code", .int(Int(code)))
        }
        return w.line
    }

    static func round(_ s: Double) -> Double { (s * 1000).rounded() / 1000 }
}

/// How one item ended.
public struct BatchItemResult: Sendable {
    public enum Status: String, Sendable { case done, skipped, failed }
    public var index: Int
    public var input: String
    public var output: String
    public var frame: Int?
    public var status: Status
    /// `restore: `-less message of a failure, and the exit code it would have alone (3, 4, …).
    public var error: String?
    public var exitCode: Int32?
    public var seconds: Double
    /// Stage decisions ("denoise: σ ≈ 4.1/3.5/5.0 (R/G/B), 0.5–4.2 from dark to bright (the shot's, from 5 frames): restore-denoise").
    public var notes: [String] = []
    public var warnings: [String] = []
    public var conversions: [String] = []

    var fields: JSONObjectWriter {
        var w = JSONObjectWriter()
        w.add("index", .int(index))
        w.add("input", .string(input))
        w.add("output", .string(output))
        w.add("frame", frame.map { .int($0) } ?? .null)
        w.add("status", .string(status.rawValue))
        w.add("error", error.map { .string($0) } ?? .null)
        w.add("seconds", .double(BatchEvent.round(seconds)))
        w.add("notes", .array(notes.map { .string($0) }))
        w.add("warnings", .array(warnings.map { .string($0) }))
        return w
    }
}

/// The end of a batch: counts, time and every item (for `--report`).
public struct BatchSummary: Sendable {
    public var done = 0, skipped = 0, failed = 0
    /// Wall-clock seconds of the whole batch.
    public var seconds = 0.0
    public var items: [BatchItemResult] = []
    /// Seconds per item done (0 when none was).
    public var secondsPerItem: Double { done == 0 ? 0 : seconds / Double(done) }
    public var failures: [BatchItemResult] { items.filter { $0.status == .failed } }

    func fields(withItems: Bool) -> JSONObjectWriter {
        var w = JSONObjectWriter()
        w.add("done", .int(done))
        w.add("skipped", .int(skipped))
        w.add("failed", .int(failed))
        w.add("seconds", .double(BatchEvent.round(seconds)))
        w.add("seconds_per_item", .double(BatchEvent.round(secondsPerItem)))
        if withItems { w.add("items", .array(items.map { .object($0.fields) })) }
        return w
    }

    /// The `--report FILE.json` document: the counts and every item (input, output, frame,
    /// status, error, seconds, notes, warnings), in item order.
    public var reportJSON: String { fields(withItems: true).text + "\n" }

    /// Writes `reportJSON` to `path` atomically (replacing an older report).
    public func writeReport(to path: String) throws {
        try AtomicFile.write(path: path, overwrite: true, failure: { _, detail in
            EncodeError(path: path, reason: .cannotCreate, detail: detail) }) { (tmp: String) throws(EncodeError) in
            let fd = open(tmp, O_WRONLY | O_TRUNC)
            defer { close(fd) }
            var text = reportJSON
            let ok = text.withUTF8 { b in fd >= 0 && write(fd, b.baseAddress, b.count) == b.count }
            if !ok { throw EncodeError(path: path, reason: .writeFailed, detail: String(cString: strerror(errno))) }
        }
    }

    /// `restore: 38 done, 1 skipped, 1 failed in 12.3 s (0.32 s per item)`, then one line per failure.
    public var text: String {
        var lines = ["\(done) done, \(skipped) skipped, \(failed) failed in \(String(format1: seconds)) s"
                     + (done > 0 ? " (\(String(format1: secondsPerItem, digits: 3)) s per item)" : "")]
        for f in failures { lines.append("failed: \(f.error ?? f.input)") }
        return lines.joined(separator: "\n")
    }
}

extension String {
    /// `v` with `digits` decimals.
    init(format1 v: Double, digits: Int = 1) {
        let p = [1.0, 10, 100, 1000][Swift.min(digits, 3)]
        let r = (v * p).rounded() / p
        self = digits == 0 ? String(Int(r)) : String(r)
    }
}
