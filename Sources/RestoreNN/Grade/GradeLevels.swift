/// A per-channel levels stretch, the first step of a grade from a predictor trained with it
/// (the weights' metadata `levels: minmax`; `levels` in Training/restore_training/models.py):
/// each channel's minimum goes to 0 and its maximum to 1, as `(x − lo) · gain` clamped to 0…1,
/// with the gain at most `1 / minimumRange` so that a nearly flat channel is not blown up.
/// Values are in the predictor's encoding (sRGB, 0…1).
public struct GradeLevels: Sendable, Equatable {
    /// Per channel (red, green, blue): the value that goes to 0.
    public let lo: [Float]
    /// Per channel: the gain after subtracting `lo`, 1 … 1 / `minimumRange`.
    public let gain: [Float]

    /// The smallest channel range (max − min) stretched to the full 0…1.
    public static let minimumRange: Float = 0.1
    /// No stretch.
    public static let identity = GradeLevels(lo: [0, 0, 0], gain: [1, 1, 1])

    public init(lo: [Float], gain: [Float]) {
        precondition(lo.count == 3 && gain.count == 3)
        self.lo = lo; self.gain = gain
    }

    /// The stretch measured on three planes of `pixels` values each (NaN ignored; a plane with
    /// no number is left alone).
    public init(measuring planar: UnsafeBufferPointer<Float>, pixels: Int) {
        precondition(pixels >= 0 && planar.count >= 3 * pixels)
        var lo: [Float] = [], gain: [Float] = []
        for c in 0..<3 {
            var a = Float.infinity, b = -Float.infinity
            for v in planar[(c * pixels)..<((c + 1) * pixels)] where !v.isNaN { a = Swift.min(a, v); b = Swift.max(b, v) }
            guard a <= b else { lo.append(0); gain.append(1); continue }
            lo.append(a); gain.append(1 / Swift.max(b - a, Self.minimumRange))
        }
        self.init(lo: lo, gain: gain)
    }

    /// The stretched value of `x` in `channel` (0…2).
    @inline(__always) public func apply(_ x: Float, channel: Int) -> Float {
        Swift.min(Swift.max((x - lo[channel]) * gain[channel], 0), 1)
    }

    /// Three planes of `planar.count / 3` values each, stretched.
    public func apply(planar: [Float]) -> [Float] {
        let n = planar.count / 3
        return planar.indices.map { apply(planar[$0], channel: Swift.min($0 / Swift.max(n, 1), 2)) }
    }
}
