/// How a batch is chosen, split and run (the batch flags of ARCHITECTURE.md).
public struct BatchOptions: Sendable {
    /// Folders: also images in subfolders, mirrored into OUT (`--recursive`).
    public var recursive = false
    /// Sequences: the frames to run (`--frames`); default: those on disk.
    public var frames: FrameSet?
    /// Folder outputs: this extension instead of the input's (`--format exr`).
    public var format: String?
    /// This process's chunk of the sorted items (`--shard`).
    public var shard: Shard?
    /// Items run at once (`--jobs`, 1…256); the request's threads are divided between them.
    public var jobs = 1
    /// Skip items whose output exists (`--skip-existing`): atomic writes make any existing
    /// output complete, so a re-run resumes.
    public var skipExisting = false
    /// Analyse every frame on its own instead of once per shot (`--per-frame`).
    public var perFrame = false
    /// Sequences: a new shot every N frames (`--shot-frames`).
    public var shotFrames: Int?
    /// Sequences: frames that start a new shot (`--cuts 1001,1050`).
    public var cuts: FrameSet?
    /// Frames sampled per shot to decide its parameters (1…64).
    public var samplesPerShot = 5
    public init() {}

    public static let jobRange = 1...256
}
