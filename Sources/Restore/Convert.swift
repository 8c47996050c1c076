#if canImport(Glibc)
import Glibc
#endif

/// Bit depth asked for on the command line.
public enum DepthChoice: Sendable, Equatable {
    /// The source's depth (≤ 8-bit → 8, 16 → 16, float → 32), lowered only where the output
    /// format cannot hold it (with a warning).
    case keep
    case exactly(OutputDepth)

    public init?(argument: String) {
        switch argument {
        case "keep": self = .keep
        case "8": self = .exactly(.uint8)
        case "16": self = .exactly(.uint16)
        case "32", "float": self = .exactly(.float32)
        default: return nil
        }
    }
}

/// Options of `restore convert` (and, until the pipeline lands, `restore run`).
public struct ConvertOptions: Sendable {
    /// Target space (built-in name or ICC path); nil keeps the pixels and the input's profile.
    public var targetSpace: String?
    /// Profile assumed for untagged inputs (default sRGB).
    public var assumeProfile: String?
    public var intent: RenderingIntent = .perceptual
    public var blackPointCompensation = false
    public var depth: DepthChoice = .keep
    public var tiffCompression: TIFFCompression = .deflate
    public var jpegQuality = 95
    public var overwrite = false
    public var threads = Parallelism.defaultThreads
    /// What runs between decoding and the output conversion, in order (networks, LUTs).
    public var stages: [Stage] = []
    /// Called with (stage name, tiles done, total) as network stages progress.
    public var progress: (@Sendable (String, Int, Int) -> Void)?

    public init() {}
}

/// One step of the pipeline. Each takes and returns the image in its own colour profile.
public enum Stage: Sendable {
    /// A network (denoise, upscale), run tiled in the encoding it was trained on.
    case network(NetworkStage)
    /// Denoising whose plugin and strength are chosen per image (σ estimated or given).
    case denoise(DenoiseStage)
    /// A LUT file with how to apply it (`--lut`, `restore lut apply`).
    case lut(path: String, options: LUTApplyOptions)
    /// A native (C ABI) plugin.
    case native(NativeStage)
}

/// What a conversion did, for the caller to report.
public struct ConvertReport: Sendable {
    public var warnings: [String] = []
    public var outputDepth: OutputDepth = .uint8
    public var outputFormat: ImageFormat = .png
    public var transformed = false
    /// What each stage did (the denoiser chosen and why, say).
    public var notes: [String] = []
}

/// Converts `input` to `output`: decode, optional colour conversion, encode at the chosen
/// depth with the profile embedded, atomic write. Never writes to `input`.
@discardableResult
public func convert(input: String, output: String, options: ConvertOptions = ConvertOptions()) throws -> ConvertReport {
    try PathSafety.checkDistinct(input: input, output: output)
    var report = ConvertReport()
    let format = try ImageFiles.outputFormat(path: output)
    // Resolve named spaces before any decoding, so a typo fails fast.
    let target = try options.targetSpace.map { s throws(ColorError) in try ColorProfile.resolve(s) }
    let assumed = try options.assumeProfile.map { s throws(ColorError) in try ColorProfile.resolve(s) }
    // Load every LUT before decoding, so a bad one fails fast.
    var luts: [Int: LUTProcessor] = [:]
    for (i, stage) in options.stages.enumerated() {
        if case .lut(let path, let o) = stage { luts[i] = LUTProcessor(try LUTLibrary.load(path: path), interpolation: o.interpolation) }
    }
    if !options.overwrite && access(output, F_OK) == 0 {
        throw EncodeError(path: output, reason: .exists, detail: "")
    }

    var image = try ImageFiles.read(path: input, threads: options.threads)
    let (source, warnings) = Colorimetry.sourceProfile(of: image, path: input, assumed: assumed)
    report.warnings += warnings
    for (i, stage) in options.stages.enumerated() {
        switch stage {
        case .lut(_, let lutOptions):
            _ = try lutOptions.apply(luts[i]!, to: &image, path: input, threads: options.threads)
        case .network(let n):
            try run(n, on: &image, profile: source, options: options)
        case .denoise(let d):
            let (n, note) = try d.resolve(for: image, threads: options.threads)
            report.notes.append("denoise: " + note)
            if let n { try run(n, on: &image, profile: source, options: options) }
        case .native(let n):
            try n.apply(to: &image, profile: source, threads: options.threads)
        }
    }

    if let target {
        let dest = Colorimetry.fitting(target, channels: image.colorChannels)
        if !source.isEquivalent(to: dest) {
            let t = try ColorTransform(from: source, to: dest, intent: options.intent,
                                       blackPointCompensation: options.blackPointCompensation)
            try t.apply(&image, threads: options.threads)
            report.transformed = true
        }
        image.metadata.iccProfile = dest.iccData
        image.metadata.colorHints = nil
    } else if image.metadata.iccProfile == nil && image.metadata.colorHints != nil {
        // PNG gAMA/cHRM/sRGB: carry the meaning as an ICC profile, since we write no such chunks.
        image.metadata.iccProfile = source.iccData
    } else if image.metadata.iccProfile != nil && !warnings.isEmpty {
        image.metadata.iccProfile = nil
    }

    let (depth, depthWarning) = try resolveDepth(options.depth, source: image.metadata.sampleFormat, format: format,
                                                 output: output)
    if let depthWarning { report.warnings.append(depthWarning) }
    if format == .jpeg && image.hasAlpha {
        throw OptionError(path: output, "JPEG cannot store alpha; write .png or .tif to keep it")
    }
    report.outputDepth = depth
    report.outputFormat = format
    let enc = EncodeOptions(depth: depth, tiffCompression: options.tiffCompression, jpegQuality: options.jpegQuality,
                            threads: options.threads)
    try ImageFiles.write(image, to: output, format: format, options: enc, overwrite: options.overwrite)
    return report
}

private func run(_ stage: NetworkStage, on image: inout Image, profile: ColorProfile, options: ConvertOptions) throws {
    var n = stage
    if let report = options.progress, n.progress == nil { let name = n.name; n.progress = { report(name, $0, $1) } }
    try n.apply(to: &image, profile: profile, threads: options.threads)
}

/// The depth to write: `keep` follows the source but never exceeds what the format stores
/// (PNG: 16, JPEG: 8), warning when it has to lower it; an explicit depth the format cannot
/// store is an error.
public func resolveDepth(_ choice: DepthChoice, source: SampleFormat, format: ImageFormat,
                         output: String? = nil) throws(OptionError) -> (OutputDepth, String?) {
    let maxDepth: OutputDepth = format == .tiff ? .float32 : format == .png ? .uint16 : .uint8
    switch choice {
    case .keep:
        let keep = OutputDepth.keeping(source)
        if keep.bits <= maxDepth.bits { return (keep, nil) }
        return (maxDepth, "\(format.rawValue.uppercased()) cannot store \(source) samples; writing \(maxDepth.bits)-bit (values clipped to 0…1)")
    case .exactly(let d):
        if d.bits <= maxDepth.bits { return (d, nil) }
        throw OptionError(path: output, "\(format.rawValue.uppercased()) cannot store \(d.bits)-bit samples (at most \(maxDepth.bits))")
    }
}

/// Guards that keep inputs safe.
public enum PathSafety {
    /// Throws when `output` names the same file as `input` (same path, or same inode through
    /// links), so nothing ever writes over an input.
    public static func checkDistinct(input: String, output: String) throws(OptionError) {
        if input == output { throw OptionError(path: output, "output is the input; choose another output path") }
        var a = stat(), b = stat()
        if stat(input, &a) == 0 && stat(output, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino {
            throw OptionError(path: output, "output is the same file as the input '\(input)'; choose another output path")
        }
    }
}
