/// What running a plan on one image did.
public struct ItemReport: Sendable {
    public var input: String
    public var output: String
    /// Non-fatal problems (a profile ignored, a depth lowered).
    public var warnings: [String] = []
    /// What each stage decided ("denoise: σ ≈ 4.1/3.5/5.0 (R/G/B), 0.5–4.2 from dark to bright: restore-denoise").
    public var notes: [String] = []
    /// The colour conversions applied, in order ("adobe-rgb → srgb").
    public var conversions: [String] = []
    public var outputFormat = ""
    public var outputBits = 0
    public var size = (width: 0, height: 0)
    /// Wall-clock time of the whole item.
    public var seconds = 0.0
    init(input: String, output: String) { self.input = input; self.output = output }
}
