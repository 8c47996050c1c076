import Foundation
import RestoreCore
import RestoreIO
#if canImport(Glibc)
import Glibc
#endif

/// A planned batch: IN expanded into sorted items (this process's shard of them), one `Plan`
/// for all of them (validated once, before any item runs), and the run itself — items in
/// parallel (`jobs`, each with its share of the threads), existing outputs skipped or
/// failed, every failure reported and the batch going on.
///
/// Shots: for a frame sequence (unless `perFrame`), parameters a stage decides per shot (an
/// estimated σ) come from `samplesPerShot` frames spread over the whole shot — the same
/// frames whichever shard runs — so every frame of a shot, in every shard, gets the same σ.
public final class Batch: Sendable {
    public let kind: BatchInput
    /// Every item IN names, sorted (all shards).
    public let allItems: [BatchItem]
    /// This process's items (its shard of `allItems`).
    public let items: [BatchItem]
    public let plan: Plan
    public let options: BatchOptions
    let threadsPerJob: Int

    /// Plans `request` and expands `input` → `output`. Throws `OptionError` (exit 2) for bad
    /// options and `BatchError` (exit 3) when nothing matches.
    public init(_ request: Request, environment: RestoreEnvironment, input: String, output: String,
                options: BatchOptions = BatchOptions()) throws {
        guard BatchOptions.jobRange.contains(options.jobs) else {
            throw OptionError("--jobs must be from 1 to \(BatchOptions.jobRange.upperBound), got \(options.jobs)")
        }
        guard Pipeline.threads.contains(request.threads) else {
            throw OptionError("--threads must be from 1 to \(Pipeline.threads.upperBound), got \(request.threads)")
        }
        if let n = options.shotFrames, !(1...FrameSet.maxCount).contains(n) {
            throw OptionError("--shot-frames must be from 1 to \(FrameSet.maxCount), got \(n)")
        }
        guard (1...64).contains(options.samplesPerShot) else { throw OptionError("samples per shot must be from 1 to 64") }
        var r = request
        r.threads = Swift.max(1, request.threads / options.jobs)
        threadsPerJob = r.threads
        plan = try Pipeline.plan(r, environment: environment)
        kind = try BatchInput.kind(of: input)
        allItems = try BatchInput.items(input: input, output: output, options: options)
        let all = allItems
        items = options.shard.map { Array(all[$0.range(of: all.count)]) } ?? all
        self.options = options
    }

    /// The frames sampled for `shot`: `samplesPerShot` spread evenly over it (first and last
    /// included), that exist.
    public func samples(ofShot shot: Int) -> [String] {
        samples(of: allItems.filter { $0.shot == shot })
    }

    func samples(of members: [BatchItem]) -> [String] {
        let k = Swift.min(options.samplesPerShot, members.count)
        guard k > 0 else { return [] }
        let picks = k == 1 ? [members.count / 2] : (0..<k).map { $0 * (members.count - 1) / (k - 1) }
        return picks.map { members[$0].input }.filter { access($0, R_OK) == 0 }
    }

    /// Runs this process's items; `events` gets start, progress, item and summary events
    /// (from one thread at a time, in order). Never throws: failures are items of the summary.
    public func run(cancellation: Cancellation = Cancellation(), events: @escaping @Sendable (BatchEvent) -> Void = { _ in }) -> BatchSummary {
        let started = Date()
        let state = BatchState(count: items.count)
        let jobs = Swift.min(options.jobs, Swift.max(1, items.count))
        events(.start(items: items.count, allItems: allItems.count, shard: options.shard, jobs: jobs, stages: plan.stageLabels))

        // Shot decisions first, once per shot this shard touches.
        var shots: [Int: Shot] = [:]
        if kind == .sequence, !options.perFrame, plan.decidesPerShot {
            let members = Dictionary(grouping: allItems, by: \.shot)  // one pass, however many shots
            for shot in Set(items.map(\.shot)).sorted() {
                shots[shot] = plan.analyzeShot(samples: samples(of: members[shot] ?? []), threads: plan.request.threads * jobs)
            }
        }

        let decided = shots
        DispatchQueue.concurrentPerform(iterations: jobs) { _ in
            while let i = state.next() {
                let item = items[i]
                let result = runItem(i, item, shot: decided[item.shot], cancellation: cancellation, state: state, started: started, events: events)
                state.finish(result) { events(.item(result)) }
            }
        }
        var summary = BatchSummary()
        summary.items = state.results.compactMap { $0 }
        summary.done = summary.items.filter { $0.status == .done }.count
        summary.skipped = summary.items.filter { $0.status == .skipped }.count
        summary.failed = summary.items.filter { $0.status == .failed }.count
        summary.seconds = Date().timeIntervalSince(started)
        events(.summary(summary))
        return summary
    }

    private func runItem(_ i: Int, _ item: BatchItem, shot: Shot?, cancellation: Cancellation, state: BatchState, started: Date,
                         events: @escaping @Sendable (BatchEvent) -> Void) -> BatchItemResult {
        let t0 = Date()
        var result = BatchItemResult(index: i, input: item.input, output: item.output, frame: item.frame, status: .done,
                                     error: nil, exitCode: nil, seconds: 0)
        if options.skipExisting, access(item.output, F_OK) == 0 {
            result.status = .skipped
            return result
        }
        let progress: @Sendable (ProgressEvent) -> Void = { e in
            state.serialized {
                events(.progress(index: i, input: item.input, stage: e.stage, done: e.done, total: e.total,
                                 finished: state.finished, items: state.count, seconds: Date().timeIntervalSince(started)))
            }
        }
        do {
            if !kind.isSingle { try Self.makeFolders(for: item.output) }  // a single file's folder must exist
            let report = try plan.run(input: item.input, output: item.output,
                                      with: Plan.RunSettings(threads: threadsPerJob, cancellation: cancellation, progress: progress, shot: shot))
            result.notes = report.notes
            result.warnings = report.warnings
            result.conversions = report.conversions
        } catch {
            result.status = .failed
            let failure = Failure(error)
            var text = failure?.description ?? "\(item.input): \(error)"
            if let e = error as? EncodeError, e.reason == .exists { text += "; --skip-existing skips it" }
            result.error = text
            result.exitCode = failure?.exitCode ?? 1
        }
        result.seconds = Date().timeIntervalSince(t0)
        return result
    }

    /// `mkdir -p` of the folder `path` is in.
    public static func makeFolders(for path: String) throws(EncodeError) {
        guard let slash = path.lastIndex(of: "/"), slash > path.startIndex else { return }
        let dir = String(path[..<slash])
        var st = stat()
        if stat(dir, &st) == 0 { return }
        try makeFolders(for: dir)
        if mkdir(dir, 0o777) != 0 && errno != EEXIST {
            throw EncodeError(path: path, reason: .cannotCreate, detail: "cannot create folder '\(dir)': \(String(cString: strerror(errno)))")
        }
    }
}

/// The shared counters of a running batch.
final class BatchState: @unchecked Sendable {
    let count: Int
    private let lock = NSLock()
    private let eventLock = NSLock()
    private var cursor = 0
    private var finishedCount = 0
    var finished: Int { lock.withLock { finishedCount } }
    private(set) var results: [BatchItemResult?]

    init(count: Int) { self.count = count; results = [BatchItemResult?](repeating: nil, count: count) }

    func next() -> Int? { lock.withLock { cursor < count ? { cursor += 1; return cursor - 1 }() : nil } }

    func finish(_ r: BatchItemResult, then report: () -> Void) {
        lock.withLock { results[r.index] = r; finishedCount += 1 }
        serialized(report)
    }

    /// Runs `f` with no other event in flight (events reach the caller one at a time).
    func serialized(_ f: () -> Void) { eventLock.withLock(f) }
}
