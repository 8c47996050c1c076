/// Planes appended to a network's colour input, such as a denoiser's noise level: constant, or
/// computed pixel by pixel from the colour values (a noise map that follows brightness).
///
/// A per-pixel map is computed on each tile's gathered input, edge repeats included, so a
/// tiled run gives the same planes as a whole-image run.
public struct ExtraPlanes: Sendable {
    /// Planes appended, after the colour planes.
    public let count: Int
    /// Fills `count` planes of `n` values at `into` (CHW) from the `channels` colour planes of
    /// `n` values at `colour` (CHW, the network's 0…1 input).
    public let fill: @Sendable (_ colour: UnsafePointer<Float>, _ channels: Int, _ n: Int, _ into: UnsafeMutablePointer<Float>) -> Void

    public init(count: Int, fill: @escaping @Sendable (UnsafePointer<Float>, Int, Int, UnsafeMutablePointer<Float>) -> Void) {
        self.count = count; self.fill = fill
    }

    /// No extra planes.
    public static let none = constant([])

    /// One constant plane per value.
    public static func constant(_ values: [Float]) -> ExtraPlanes {
        ExtraPlanes(count: values.count) { _, _, n, into in
            for (k, v) in values.enumerated() { (into + k * n).update(repeating: v, count: n) }
        }
    }
}
