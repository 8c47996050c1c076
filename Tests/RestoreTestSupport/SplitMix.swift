import Foundation

/// A small deterministic generator for test data (SplitMix64): the same sequence on every
/// platform, so fixtures made from it never change.
public struct SplitMix: Sendable {
    public var state: UInt64
    public init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform sample in 0..<1 (24 bits).
    public mutating func uniform() -> Float { Float(next() >> 40) / Float(1 << 24) }

    /// A standard normal sample (Box–Muller).
    public mutating func gaussian() -> Float {
        let u1 = max(Float(next() >> 40) / Float(1 << 24), 1e-7), u2 = Float(next() >> 40) / Float(1 << 24)
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }
}
