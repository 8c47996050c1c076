import RestoreColor

/// Everything a caller asks of one pipeline: which stages (a preset adjusted by overrides, or
/// explicit steps), the colour and output encoding, and how to execute. Plain values only:
/// `Pipeline.plan` checks every one of them before any file is opened.
public struct Request: Sendable {
    // MARK: Stages
    /// Explicit stages; when set, `preset` and the overrides below are not used.
    public var steps: [Step]?
    /// The preset to start from (nil: the config's default preset).
    public var preset: String?
    /// `off` removes the preset's denoising; `auto` or a σ (8-bit levels, 0…75) sets it,
    /// adding a first denoise step when the preset has none.
    public var denoise: String?
    /// 1 removes upscaling; 2…8 sets it, adding an upscale step after denoising when the
    /// preset has none.
    public var scale: Int?
    /// `off` removes grading; `auto` or `match:REF` (a reference image) sets the preset's grade
    /// step's mode, adding a last grade step when it has none.
    public var grade: String?
    /// LUT steps appended after the preset's.
    public var luts: [Step] = []
    /// Replaces the plugin of the upscale step when there is one, else of the denoise step:
    /// a plugin id, a model file (.param, .onnx) or a plugin folder.
    public var model: String?

    // MARK: Colour
    /// Output profile: a built-in space name or an ICC file; nil keeps the input's.
    public var outputProfile: String?
    /// The profile of untagged inputs (nil: sRGB). When given, it is also embedded in the output.
    public var assumeProfile: String?
    public var intent: Intent = .perceptual
    public var blackPointCompensation = false

    // MARK: Output
    public var depth: Depth = .keep
    public var compression: Compression = .deflate
    /// JPEG quality 1…100.
    public var jpegQuality = 95
    /// OpenEXR outputs: square tiles of this many pixels (16…4096) instead of scanlines.
    public var exrTile: Int?
    /// Replace an existing output (never an input).
    public var overwrite = false
    /// The largest image, in millions of pixels (1…4096), read or written: checked from the
    /// input's header (and the stages' scales) before anything is allocated. Default 268
    /// (2^28 pixels, a 16384 × 16384 image).
    public var maxMegapixels = 268
    /// OpenEXR inputs: the part to read (0-based; nil: the first).
    public var part: Int?
    /// OpenEXR inputs: the layer to read ("diffuse" for diffuse.R/G/B/A; nil: the unnamed one).
    public var layer: String?

    // MARK: Execution
    /// Worker threads, 1…1024.
    public var threads = RestoreRuntime.defaultThreads
    /// Network tile size in input pixels, 8…16384 (nil: the largest that fits `maxMemoryMB`).
    public var tile: Int?
    /// Working memory of one network tile, in MiB (16…1048576).
    public var maxMemoryMB = 1024
    /// Called from worker threads as stages progress.
    public var progress: (@Sendable (ProgressEvent) -> Void)?

    public init() {}

    /// The built-in colour space names `outputProfile`, `assumeProfile` and LUT steps take.
    public static var builtInSpaces: [String] { NamedSpace.allCases.map(\.rawValue) }
}

/// How far a stage has got on one image.
public struct ProgressEvent: Sendable, Equatable {
    /// The stage's label, e.g. "upscale (restore-sr-x2)".
    public var stage: String
    /// Units (tiles) done and in all.
    public var done: Int
    public var total: Int
}
