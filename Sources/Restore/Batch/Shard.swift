/// One of N contiguous chunks of a batch's sorted item list (`--shard K/N`, 1-based). Chunk K
/// holds items `⌊(K−1)·n/N⌋ ..< ⌊K·n/N⌋`, so every item goes to exactly one shard and chunk
/// sizes differ by at most one. `--shard auto` takes K and N from the render farm:
///
/// - Slurm job arrays: K = (`SLURM_ARRAY_TASK_ID` − `SLURM_ARRAY_TASK_MIN`) / step + 1 with
///   `SLURM_ARRAY_TASK_STEP` (default 1), N = `SLURM_ARRAY_TASK_COUNT`;
/// - Kubernetes Indexed Jobs: K = `JOB_COMPLETION_INDEX` + 1, N = `--shard-count`.
///
/// Array indices name chunks, not frames (Slurm's `MaxArraySize` is 1001 by default).
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    public static let maxCount = 1_000_000
    /// 1-based index and count.
    public let index: Int, count: Int

    public init(index: Int, count: Int) throws(OptionError) {
        guard (1...Self.maxCount).contains(count), (1...count).contains(index) else {
            throw OptionError("--shard K/N needs 1 ≤ K ≤ N ≤ \(Self.maxCount), got \(index)/\(count)")
        }
        self.index = index; self.count = count
    }

    /// `K/N`, or `auto` resolved from `environment` (`count` from `--shard-count`).
    public init(parsing spec: String, count: Int? = nil, environment: [String: String]) throws(OptionError) {
        if spec != "auto" {
            let p = spec.split(separator: "/", omittingEmptySubsequences: false)
            guard p.count == 2, p.allSatisfy({ $0.count <= 7 && !$0.isEmpty && $0.allSatisfy(\.isNumber) }),
                  let k = Int(p[0]), let n = Int(p[1]) else {
                throw OptionError("--shard expects K/N (1-based, e.g. 3/8) or auto, got '\(spec)'")
            }
            try self.init(index: k, count: n)
            return
        }
        func int(_ name: String) throws(OptionError) -> Int? {
            guard let s = environment[name] else { return nil }
            guard s.count <= 9, let v = Int(s), v >= 0 else { throw OptionError("--shard auto: $\(name) is '\(s)', not a count or index") }
            return v
        }
        if let id = try int("SLURM_ARRAY_TASK_ID") {
            guard let n = try int("SLURM_ARRAY_TASK_COUNT"), let min = try int("SLURM_ARRAY_TASK_MIN") else {
                throw OptionError("--shard auto: $SLURM_ARRAY_TASK_ID is set but $SLURM_ARRAY_TASK_COUNT or $SLURM_ARRAY_TASK_MIN is not")
            }
            let step = try int("SLURM_ARRAY_TASK_STEP") ?? 1
            guard step >= 1, id >= min, (id - min) % step == 0 else {
                throw OptionError("--shard auto: array task \(id) is not on the array's grid (min \(min), step \(step))")
            }
            if let count, count != n { throw OptionError("--shard-count \(count) differs from the Slurm array's \(n) tasks") }
            try self.init(index: (id - min) / step + 1, count: n)
        } else if let i = try int("JOB_COMPLETION_INDEX") {
            guard let count else { throw OptionError("--shard auto in a Kubernetes Indexed Job needs --shard-count N (the Job's completions)") }
            try self.init(index: i + 1, count: count)
        } else {
            throw OptionError("--shard auto found neither a Slurm array task ($SLURM_ARRAY_TASK_ID) nor a Kubernetes Indexed Job ($JOB_COMPLETION_INDEX)")
        }
    }

    /// This shard's part of `n` items.
    public func range(of n: Int) -> Range<Int> { (index - 1) * n / count ..< index * n / count }
    public var description: String { "\(index)/\(count)" }
}
