import Foundation
import RestoreColor
import RestoreCore
import RestoreIO
#if canImport(Glibc)
import Glibc
#endif

/// A validated pipeline, ready to run on any number of images (from any number of threads):
/// its stages are built, its LUTs parsed, its profiles resolved; networks load on first use
/// and colour transforms are compiled once and shared.
///
/// For each image, `run` checks the output against the input's header (format, depth, alpha)
/// before decoding a pixel, converts colour only where a stage's encoding differs from the
/// previous one's, decides the output's metadata once at the end, and writes atomically.
public final class Plan: Sendable {
    let stages: [any Stage]
    let request: Request
    let target: ColorProfile?
    let assumed: ColorProfile?
    /// Every file the plan reads besides its input (LUTs, models, manifests, the config):
    /// no output may be one of them, whatever `overwrite` says.
    public let readFiles: [String]
    /// Files stages write besides the outputs (an exported LUT): never an input either.
    let writtenFiles: [String]
    let conversions = ConversionCache()

    init(stages: [any Stage], request: Request, target: ColorProfile?, assumed: ColorProfile?, readFiles: [String],
         writtenFiles: [String] = []) {
        self.stages = stages; self.request = request; self.target = target; self.assumed = assumed; self.readFiles = readFiles
        self.writtenFiles = writtenFiles
    }

    /// The stages in order, as labels ("denoise", "upscale (restore-sr-x2)", "lut (look.cube)").
    public var stageLabels: [String] { stages.map(\.label) }
    /// Colour transforms compiled so far (each pair of profiles once per plan).
    public var compiledConversions: Int { conversions.compiled }

    /// Restores `input` into `output`. Never writes an input: `output` may not name the input
    /// or any file the plan reads, through links or not.
    @discardableResult
    public func run(input: String, output: String) throws -> ItemReport {
        try run(input: input, output: output, cancellation: Cancellation())
    }

    /// As `run(input:output:)`, stopping between tiles and stages when the task is cancelled
    /// (throws `CancelledError` or an `NNError` `.cancelled`; nothing is written then).
    @discardableResult
    public func run(input: String, output: String) async throws -> ItemReport {
        let cancellation = Cancellation()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<ItemReport, any Error>) in
                Thread.detachNewThread {
                    c.resume(with: Result { try self.run(input: input, output: output, cancellation: cancellation) })
                }
            }
        } onCancel: { cancellation.cancel() }
    }

    func run(input: String, output: String, cancellation: Cancellation) throws -> ItemReport {
        try run(input: input, output: output, with: RunSettings(threads: request.threads, cancellation: cancellation,
                                                                progress: request.progress))
    }

    /// How one run goes: threads (a batch divides the plan's), cancellation, progress and the
    /// stages' decisions for the image's shot (by stage index).
    struct RunSettings {
        var threads: Int
        var cancellation: Cancellation
        var progress: (@Sendable (ProgressEvent) -> Void)?
        var shot: Shot? = nil
    }

    func run(input: String, output: String, with settings: RunSettings) throws -> ItemReport {
        let started = Date()
        let cancellation = settings.cancellation
        var report = ItemReport(input: input, output: output)
        for file in [input] + readFiles { try PathSafety.checkDistinct(input: file, output: output) }
        for file in writtenFiles {
            try PathSafety.checkDistinct(input: input, output: file)
            try PathSafety.checkDistinct(input: file, output: output)
        }
        let format = try ImageFiles.outputFormat(path: output)
        if !request.overwrite && access(output, F_OK) == 0 { throw EncodeError(path: output, reason: .exists, detail: "") }

        // The output's constraints against the input's header, before any pixel is decoded.
        let header = try ImageFiles.inspect(path: input, limits: limits)
        if !format.storesAlpha && header.alpha != .none {
            throw OptionError(path: output, "\(format.rawValue.uppercased()) cannot store alpha; write .png or .tif to keep it")
        }
        let (depth, depthWarning) = try Self.depth(request.depth, source: header.sampleFormat, format: format, output: output)
        if let depthWarning { report.warnings.append(depthWarning) }
        let enc = try encodeOptions(format: format, depth: depth, threads: settings.threads, output: output)
        _ = try outputSize(width: header.width, height: header.height, output: output)
        try cancellation.check()

        var image = try ImageFiles.read(path: input, limits: limits, threads: settings.threads)
        let (source, warnings) = Colorimetry.sourceProfile(of: image, path: input, assumed: assumed)
        report.warnings += warnings
        try process(&image, source: source, settings: settings, report: &report, format: format)

        let written = outputProfile(source: source, format: format)
        tagColour(&image, written: written, format: format, sourceWarnings: warnings, report: &report)
        if depth == .uint8 && written.isLinear {
            report.warnings.append("8-bit linear light bands in the shadows; add --to srgb (or write 16-bit)")
        }
        try cancellation.check()

        try ImageFiles.write(image, to: output, format: format, options: enc, overwrite: request.overwrite)
        report.outputBits = depth.bits
        report.outputFormat = format.rawValue
        report.size = (image.width, image.height)
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    /// The output's colour metadata for `written` (the output profile), decided once, as the
    /// format records colour.
    /// - ICC formats: the target's profile; else the input's own profile (also when PNG chunks,
    ///   OpenEXR chromaticities or --assume-profile described it, since we write them as ICC);
    ///   an untagged sRGB input stays untagged; an unusable embedded profile is dropped (with
    ///   the source's warning). Log spaces have no ICC form: untagged, with a warning.
    /// - OpenEXR: the written profile's chromaticities (linear light unless --to asked for an
    ///   encoding, which is warned about).
    /// - DPX: the written space's name, for its transfer characteristic.
    func tagColour(_ image: inout Image, written: ColorProfile, format: ImageFormat, sourceWarnings: [String],
                   report: inout ItemReport) {
        let md = image.metadata
        image.metadata.iccProfile = nil
        image.metadata.colorHints = nil
        image.metadata.spaceName = nil
        switch format.colorTag {
        case .icc:
            let embeds = target != nil || (md.iccProfile != nil && sourceWarnings.isEmpty) || md.colorHints != nil
                || md.spaceName != nil || assumed != nil
            if embeds && written.hasICCForm { image.metadata.iccProfile = written.iccData }
            if embeds && !written.hasICCForm {
                report.warnings.append("\(Self.name(written)) has no ICC form; the output is untagged (read it back with --assume-profile \(Self.name(written)))")
            }
        case .chromaticities:
            if let c = written.chromaticities { image.metadata.colorHints = ColorHints(gamma: 1, chromaticities: c) }
            else { report.warnings.append("'\(Self.name(written))' has no primaries to record; the EXR says Rec.709 by convention") }
            if !written.isLinear {
                report.warnings.append("OpenEXR holds linear light by convention, but these values are \(Self.name(written))-encoded")
            }
        case .spaceName:
            image.metadata.spaceName = written.namedSpace?.rawValue
            if written.namedSpace == nil {
                report.warnings.append("DPX records built-in spaces only; '\(Self.name(written))' is written as user-defined")
            }
        }
    }

    var limits: DecodeLimits {
        DecodeLimits(maxPixels: UInt64(request.maxMegapixels) * 1_000_000, part: request.part, layer: request.layer)
    }

    /// The output size for an input of `width` × `height`, checked against `--max-megapixels`.
    func outputSize(width: Int, height: Int, output: String) throws -> (width: Int, height: Int) {
        var side = 1
        for stage in stages { side *= try stage.scale() }
        let outPixels = width.multipliedReportingOverflow(by: height * side * side)
        guard !outPixels.overflow, UInt64(outPixels.partialValue) <= limits.maxPixels else {
            throw OptionError(path: output, "the output would be \(width * side) × \(height * side) pixels, over the limit of "
                              + "\(request.maxMegapixels) megapixels (--max-megapixels)")
        }
        return (width * side, height * side)
    }

    /// The profile the output is written in: the target, else the source's; for a format that
    /// holds linear light by convention (OpenEXR) and no target, the source's linear light.
    func outputProfile(source: ColorProfile, format: ImageFormat? = nil) -> ColorProfile {
        var p = target ?? source
        if target == nil, format?.colorTag == .chromaticities, let linear = p.linearLight { p = linear }
        return Colorimetry.fitting(p, channels: source.colorSpace.channels)
    }

    /// Runs every stage on `image` (in `source`), converting only where encodings change, and
    /// leaves it in the output profile.
    func process(_ image: inout Image, source: ColorProfile, settings: RunSettings, report: inout ItemReport,
                 format: ImageFormat? = nil) throws {
        var current = source
        for i in stages.indices {
            try settings.cancellation.check()
            try prepare(&image, current: &current, source: source, for: i, settings: settings, report: &report)
            report.notes += try stages[i].apply(to: &image, context: context(for: i, settings: settings))
        }
        try convert(&image, from: &current, to: outputProfile(source: source, format: format),
                    intent: target == nil ? .relative : RenderingIntent(rawValue: request.intent.rawValue)!,
                    bpc: target != nil && request.blackPointCompensation, threads: settings.threads, report: &report)
    }

    /// Converts `image` into the encoding stage `i` wants.
    func prepare(_ image: inout Image, current: inout ColorProfile, source: ColorProfile, for i: Int, settings: RunSettings,
                 report: inout ItemReport) throws {
        let wanted = stages[i].encoding(channels: image.colorChannels) ?? Colorimetry.fitting(source, channels: image.colorChannels)
        try convert(&image, from: &current, to: wanted, intent: .relative, bpc: false, threads: settings.threads, report: &report)
    }

    func context(for i: Int, settings: RunSettings) -> StageContext {
        var c = StageContext(threads: settings.threads, tile: request.tile, memoryBudget: request.maxMemoryMB << 20,
                             cancellation: settings.cancellation, progress: nil)
        c.decision = settings.shot?.decisions[i]
        if let progress = settings.progress { let label = stages[i].label; c.progress = { progress(ProgressEvent(stage: label, done: $0, total: $1)) } }
        return c
    }

    /// Converts `image` from `current` into `wanted` when they differ, through the plan's
    /// shared transforms, and records it.
    private func convert(_ image: inout Image, from current: inout ColorProfile, to wanted: ColorProfile,
                         intent: RenderingIntent, bpc: Bool, threads: Int, report: inout ItemReport) throws {
        if current.isEquivalent(to: wanted) { return }
        let t = try conversions.transform(from: current, to: wanted, intent: intent, bpc: bpc)
        try t.apply(&image, threads: threads)
        report.conversions.append("\(Self.name(current)) → \(Self.name(wanted))")
        current = wanted
    }

    static func name(_ p: ColorProfile) -> String { p.namedSpace?.rawValue ?? (p.name.isEmpty ? "(unnamed profile)" : p.name) }

    /// The depth to write: `keep` follows the source, widening silently where the format lacks
    /// that depth but holds a wider one exactly (8-bit → half in OpenEXR, half → float in
    /// TIFF, 10-bit → 16 in PNG), and lowering **with a warning** only where it must (PNG: 16,
    /// JPEG: 8); an explicit depth the format cannot store is an error.
    static func depth(_ choice: Depth, source: SampleFormat, format: ImageFormat, output: String) throws(OptionError) -> (OutputDepth, String?) {
        let depths = format.depths
        let name = format.rawValue.uppercased()
        let asked: OutputDepth
        switch choice {
        case .keep:
            let keep = OutputDepth.keeping(source)
            if depths.contains(keep) { return (keep, nil) }
            if let wider = depths.first(where: { keep.fits(in: $0) }) { return (wider, nil) }
            let deepest = depths.last ?? .uint8
            return (deepest, "\(name) cannot store \(source) samples; writing \(deepest.description)" + (deepest.isFloat ? "" : " (values clipped to 0…1)"))
        case .uint8: asked = .uint8
        case .uint10: asked = .uint10
        case .uint12: asked = .uint12
        case .uint16: asked = .uint16
        case .half: asked = .float16
        case .float32: asked = .float32
        }
        if depths.contains(asked) { return (asked, nil) }
        throw OptionError(path: output, "\(name) cannot store \(asked.description) samples (it stores \(depths.map(\.description).joined(separator: ", ")))")
    }

    /// The encoder settings for `format`: `--compression` checked against what it offers.
    func encodeOptions(format: ImageFormat, depth: OutputDepth, threads: Int, output: String) throws(OptionError) -> EncodeOptions {
        var enc = EncodeOptions(depth: depth, jpegQuality: request.jpegQuality, threads: threads)
        let c = request.compression
        switch format {
        case .tiff:
            guard let t = TIFFCompression(rawValue: c == .zip ? "deflate" : c.rawValue) else {
                throw OptionError(path: output, "TIFF has no \(c.rawValue) compression (it takes \(TIFFCompression.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            enc.tiffCompression = t
        case .exr:
            guard let e = EXRCompression(name: c == .deflate ? "zip" : c.rawValue), e.writable else {
                throw OptionError(path: output, "OpenEXR has no \(c.rawValue) compression (it takes \(EXRCompression.allCases.filter(\.writable).map(\.description).joined(separator: ", ")))")
            }
            enc.exrCompression = e
            enc.exrTile = request.exrTile
        default:
            break  // PNG (zlib), JPEG and DPX have no choice here
        }
        return enc
    }
}
