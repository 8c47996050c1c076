/// A set of frame numbers as `--frames` takes it: comma-separated ranges `A-B` with an
/// optional step `xN` (`1001-1100`, `1001-1100x2`, `1,5,10-20`). Frames are 0…999,999,999;
/// a set holds at most `FrameSet.maxCount` frames. Order is ascending, duplicates removed.
public struct FrameSet: Sendable, Equatable {
    public static let maxFrame = 999_999_999
    public static let maxCount = 1_000_000
    public let frames: [Int]

    public init(_ frames: [Int]) {
        // Ranges written in order (the usual case) are sorted and distinct already.
        if zip(frames, frames.dropFirst()).allSatisfy({ $0 < $1 }) { self.frames = frames; return }
        var sorted = frames.sorted()
        var last = -1, n = 0
        for f in sorted where f != last { sorted[n] = f; n += 1; last = f }
        self.frames = Array(sorted[..<n])
    }

    /// Parses `spec`; `flag` names the option in messages.
    public init(parsing spec: String, flag: String = "--frames") throws(OptionError) {
        func fail(_ why: String) -> OptionError {
            OptionError("\(flag) expects frame ranges like 1001-1100, 1001-1100x2 or 1,5,10-20; \(why)")
        }
        func number(_ s: Substring) throws(OptionError) -> Int {
            guard !s.isEmpty, s.count <= 9, s.allSatisfy({ $0.isASCII && $0.isNumber }), let v = Int(s) else {
                throw fail("'\(s)' is not a frame number from 0 to \(Self.maxFrame)")
            }
            return v
        }
        var all: [Int] = []
        for part in spec.split(separator: ",", omittingEmptySubsequences: false) {
            let stepParts = part.split(separator: "x", omittingEmptySubsequences: false)
            guard stepParts.count <= 2 else { throw fail("'\(part)' has more than one step") }
            let step = stepParts.count == 2 ? try number(stepParts[1]) : 1
            guard step >= 1 else { throw fail("the step in '\(part)' must be at least 1") }
            let bounds = stepParts[0].split(separator: "-", omittingEmptySubsequences: false)
            guard bounds.count <= 2 else { throw fail("'\(part)' is not a range") }
            let first = try number(bounds[0]), last = bounds.count == 2 ? try number(bounds[1]) : first
            guard first <= last else { throw fail("'\(part)' runs backwards") }
            let count = (last - first) / step + 1
            guard all.count + count <= Self.maxCount else { throw fail("more than \(Self.maxCount) frames") }
            all.append(contentsOf: stride(from: first, through: last, by: step))
        }
        self.init(all)
    }
}
