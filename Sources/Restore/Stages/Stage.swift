import RestoreColor
import RestoreCore

/// One step of a pipeline, behind one protocol: what encoding its input must be in, how it
/// changes the geometry, and the work itself. The plan converts colour only where one stage's
/// encoding differs from the previous one's, so a stage never converts on its own.
public protocol Stage: Sendable {
    /// The nickname of the stage's kind: `denoise`, `upscale`, `grade`, `lut` or `filter`.
    var kind: String { get }
    /// For messages and reports: "upscale (restore-sr-x2)".
    var label: String { get }
    /// The profile the stage's input must be in, for an image of `channels` colour channels
    /// (1 or 3); nil: the image's own profile (the values as they were read).
    func encoding(channels: Int) -> ColorProfile?
    /// Output pixels per input pixel (1 for stages that keep the size) and the context in
    /// input pixels that a tile of this stage needs around it. May load a network.
    func geometry() throws -> StageGeometry
    /// Output pixels per input pixel along each axis: `geometry().scale`, unless the stage
    /// knows it without loading a network (a denoiser keeps the size), so a plan can check
    /// the output's size and still load a network only for an image that needs it.
    func scale() throws -> Int
    /// Processes `image` (in `encoding(channels:)`) in place; returns notes for the report
    /// ("σ ≈ 12.3: restore-denoise").
    func apply(to image: inout Image, context: StageContext) throws -> [String]
    /// Parameters decided once for a shot from sample frames (each in `encoding(channels:)`
    /// and through the stages before this one), so a clip does not flicker; nil: the stage
    /// decides nothing per shot. `apply` then finds the decision in `context.decision`.
    func decide(samples: [Image]) -> ShotDecision?
    /// Whether `decide` decides anything (so a plan analyses shots only when needed).
    var decidesPerShot: Bool { get }
}

extension Stage {
    public func scale() throws -> Int { try geometry().scale }
    public func decide(samples: [Image]) -> ShotDecision? { nil }
    public var decidesPerShot: Bool { false }
}

/// What a stage decided for a shot: named values (`sigma` in 8-bit levels), a table too large
/// for named values (the grade's LUT), and how many frames it looked at.
public struct ShotDecision: Sendable, Equatable {
    public var values: [String: Double]
    public var table: [Float]
    public var samples: Int
    public init(values: [String: Double] = [:], table: [Float] = [], samples: Int) {
        self.values = values; self.table = table; self.samples = samples
    }
}

/// How a stage changes an image's size and what context it reads.
public struct StageGeometry: Sendable, Equatable {
    /// Output pixels per input pixel along each axis.
    public var scale: Int
    /// Input pixels of context a tile needs on each side (0: pointwise; Int.max: global).
    public var halo: Int
    public init(scale: Int = 1, halo: Int = 0) { self.scale = scale; self.halo = halo }
}

/// What a stage gets to run with: threads, tiling, cancellation and progress.
public struct StageContext: Sendable {
    public var threads: Int
    /// Network tile size (nil: from the memory budget) and memory budget in bytes.
    public var tile: Int?
    public var memoryBudget: Int
    public var cancellation: Cancellation
    /// (done, total) units of this stage on this image.
    public var progress: (@Sendable (Int, Int) -> Void)?
    /// This stage's decision for the image's shot (nil: decide from the image alone).
    public var decision: ShotDecision?
}
