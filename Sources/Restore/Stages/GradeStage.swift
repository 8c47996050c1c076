import Foundation
import RestoreColor
import RestoreCore
import RestoreIO
import RestoreLUT
import RestoreNN
import RestorePlugins

/// Colour grading as one global 3D LUT per image, or per shot: restore-grade's predictor
/// (`GradePredictor`) looks at a thumbnail and predicts a grade, which is baked into a
/// `lutSize`³ cube in the stage's `space`, blended with the identity by `strength` (in LUT
/// space), and applied tetrahedrally. That cube is what `export` writes, so the exported LUT is
/// exactly the one applied. `auto` undoes damage (exposure, white balance, fades, casts);
/// `match` transfers the look of a reference image; when the predictor's weights carry a
/// `transfer_blend`, its grade is blended, as trained, with the MKL colour transfer between the
/// image's and the reference's colour statistics (`ColorTransfer`, sRGB). When the reference
/// shows some of the image's own pixels (a crop of the same frame, a still of a locked-off
/// shot: `OverlapMatch`), the grade is instead fitted to what the reference does to those
/// pixels (`LatticeFit`), with the predictor's grade as the prior for colours they do not cover.
/// An `auto` plugin may ship several restoring predictors (an ensemble: the files `weights`,
/// `weights-2`, `weights-3`, …); the grade is then the mean of their baked cubes, which is the
/// mean of their outputs, since tetrahedral interpolation is linear in the nodes.
///
/// Values outside the LUT's 0…1 domain (scene-linear highlights, out-of-gamut negatives)
/// keep their excess: the grade applies to the clamped value and the excess is added back.
/// A `.cube` cannot say that, so an outside tool applying the exported LUT clamps them.
struct GradeStage: Stage {
    enum Mode: Sendable {
        case auto
        /// The reference's file, its thumbnail, colour statistics and a picture of it reduced by
        /// `factor` (all in the predictor's encoding) for finding shared pixels.
        case match(reference: String, thumbnail: [Float], statistics: ColorTransfer.Statistics,
                   picture: OverlapMatch.Picture, factor: Int)
    }
    let mode: Mode
    /// One predictor for `match`; one or more (the ensemble's members) for `auto`.
    let predictors: [SharedGradePredictor]
    let plugin: String
    /// 0…1: 0 is the identity, 1 the full grade.
    let strength: Float
    /// Nodes per axis of the applied (and exported) cube, 17…65.
    let lutSize: Int
    /// The space the LUT applies in (default sRGB, the predictor's own encoding) and the
    /// transforms between it and sRGB (nil when it is sRGB).
    let space: ColorProfile
    let toSRGB: ColorTransform?, fromSRGB: ColorTransform?
    let export: LUTExport?

    var kind: String { "grade" }
    var modeName: String {
        switch mode { case .auto: return "auto"; case .match(let r, _, _, _, _): return "match \(r.split(separator: "/").last.map(String.init) ?? r)" }
    }
    var label: String { "grade (\(plugin), \(modeName))" }

    func encoding(channels: Int) -> ColorProfile? { space }
    func geometry() -> StageGeometry { StageGeometry() }
    var decidesPerShot: Bool { true }

    /// A shot's grade: the mean of its samples' cubes (unreadable samples leave it to each frame).
    func decide(samples: [Image]) -> ShotDecision? {
        guard !samples.isEmpty, samples.allSatisfy({ $0.colorChannels == 3 }), let cube = try? grade(samples).lut else { return nil }
        return ShotDecision(table: cube.values, samples: samples.count)
    }

    func apply(to image: inout Image, context: StageContext) throws -> [String] {
        guard image.colorChannels == 3 else {
            throw OptionError("grading applies to RGB images; this one is gray (convert it with --to srgb first)")
        }
        let cube: LUT3D, from: String
        if let d = context.decision, d.table.count == 3 * lutSize * lutSize * lutSize {
            cube = LUT3D(size: lutSize, values: d.table)
            from = " (the shot's, from \(d.samples) frame\(d.samples == 1 ? "" : "s"))"
        } else {
            let g = try grade([image])
            cube = g.lut
            from = g.shared.first.map { String(format: ", fitted to the %.0f %% of the image the reference shows (correlation %.2f)", 100 * $0.overlap, $0.correlation) } ?? ""
        }
        Self.applyKeepingExcess(LUTProcessor(LUT(threeD: cube)), to: &image, threads: context.threads)
        return ["grade: \(modeName) (\(plugin)), strength \(Self.show(strength)), \(lutSize)³ LUT\(from)"]
    }

    /// The cube for `images` (in `space`): the mean of their grades, blended by strength, then
    /// exported when asked; and, in match mode, where the reference showed an image's own
    /// pixels (one alignment per image that it did).
    func grade(_ images: [Image]) throws -> (lut: LUT3D, shared: [OverlapMatch.Alignment]) {
        let n = lutSize * lutSize * lutSize
        var sum = [Float](repeating: 0, count: 3 * n)
        var shared: [OverlapMatch.Alignment] = []
        for image in images {
            // A levels stretch is measured on the image reduced to a long side of at most 768, in
            // sRGB; the thumbnails then come from that reduction, a fifth of the work on 4K.
            let reduced = try predictors.contains(where: \.levels) ? reducedSRGB(image) : nil
            let stretch = reduced.map { r in r.samples.withUnsafeBufferPointer { GradeLevels(measuring: $0, pixels: r.width * r.height) } }
            var thumbs: [Int: [Float]] = [:]
            for predictor in predictors {
                var thumb = try thumbs[predictor.side] ?? reduced.map { r in
                    r.samples.withUnsafeBufferPointer { GradePredictor.thumbnail($0, width: r.width, height: r.height, channels: 3, side: predictor.side) }
                } ?? inSRGB(image.samples.withUnsafeBufferPointer {
                    GradePredictor.thumbnail($0, width: image.width, height: image.height, channels: 3, side: predictor.side)
                })
                thumbs[predictor.side] = thumb
                var transfer: ColorTransfer?
                var g: GradeParameters
                if case .match(_, let reference, let statistics, let picture, let factor) = mode {
                    thumb += reference
                    g = try predictor.predict(thumb)
                    if let (m, pairs) = try overlap(image, picture, factor) {
                        shared.append(m)
                        g = fit(g, pairs)
                    } else if predictor.transferBlend > 0 {
                        let sample = try inSRGB(image.samples.withUnsafeBufferPointer { ColorTransfer.Statistics.sample($0, pixels: image.planeSize) })
                        transfer = ColorTransfer(from: .init(planar: sample), to: statistics)
                    }
                } else if predictor.levels, let s = stretch {
                    g = try predictor.predict(s.apply(planar: thumb) + (predictor.seesRaw ? thumb : []))
                    g.levels = s
                } else { g = try predictor.predict(thumb) }
                let cube = try bake(g, transfer: transfer.map { ($0, predictor.transferBlend) })
                for i in sum.indices { sum[i] += cube[i] }
            }
        }
        let identity = LUT3D.identity(size: lutSize).values
        let w = 1 / Float(images.count * predictors.count)
        let blended = (0..<sum.count).map { identity[$0] + strength * (sum[$0] * w - identity[$0]) }
        let lut = LUT3D(size: lutSize, values: blended)
        try export?.write(lut, comments: [
            "Made by restore grade \(modeName == "auto" ? "--auto" : "--" + modeName) with plugin \(plugin), strength \(Self.show(strength)), from \(images.count) image\(images.count == 1 ? "" : "s")"
                + (shared.isEmpty ? "" : ", \(shared.count) of them fitted to the pixels they share with the reference"),
            "Expects RGB encoded as \(Plan.name(space)), 0 to 1; apply tetrahedrally (OpenColorIO's default for .cube, Resolve's best)",
        ])
        return (lut, shared)
    }

    /// `image` reduced as the overlap search reduces it (box averages, long side at most 768)
    /// and brought to sRGB, planar: where the levels stretch is measured (exact on small
    /// images, and blind to single hot pixels on large ones) and the thumbnails are made.
    func reducedSRGB(_ image: Image) throws -> (samples: [Float], width: Int, height: Int) {
        let factor = OverlapMatch.Picture.factor(longSide: Swift.max(image.width, image.height))
        let reduced = image.samples.withUnsafeBufferPointer { OverlapMatch.Picture(planar: $0, width: image.width, height: image.height, factor: factor) }
        return (try inSRGB(reduced.planes), reduced.width, reduced.height)
    }

    /// Where the reference (`picture`, reduced by `factor`) shows `image`'s own pixels, and
    /// those pixels' pairs in sRGB; nil when it does not, or when the image, reduced by the
    /// same factor, would not be at the reference's scale (its long side reduces by another).
    func overlap(_ image: Image, _ picture: OverlapMatch.Picture, _ factor: Int) throws -> (OverlapMatch.Alignment, (source: [Float], target: [Float]))? {
        guard OverlapMatch.Picture.factor(longSide: Swift.max(image.width, image.height)) == factor else { return nil }
        // Reduced first, then brought to sRGB, as the thumbnail is.
        let reduced = image.samples.withUnsafeBufferPointer { OverlapMatch.Picture(planar: $0, width: image.width, height: image.height, factor: factor) }
        let mine = try inSRGB(reduced.planes).withUnsafeBufferPointer {
            OverlapMatch.Picture(planar: $0, width: reduced.width, height: reduced.height, factor: 1)
        }
        guard let m = OverlapMatch.align(mine, picture) else { return nil }
        return (m, OverlapMatch.pairs(mine, picture, m))
    }

    /// A grade fitted to colour pairs (sRGB), with `prior` (the predictor's grade) where
    /// they say nothing: identity curves, then the fitted lattice.
    func fit(_ prior: GradeParameters, _ pairs: (source: [Float], target: [Float])) -> GradeParameters {
        let fit = LatticeFit()
        var nodes = Self.identityNodes(size: fit.size)
        Self.applyKeepingExcess(Self.processor(prior), to: &nodes, threads: 1)
        let lattice = fit.fit(source: pairs.source, target: pairs.target, prior: nodes.samples)
        return GradeParameters(curvePoints: 2, curves: [0, 1, 0, 1, 0, 1], lutSize: fit.size, lut: lattice)
    }

    /// The nodes of a `size`³ identity lattice as a one-row planar image (red fastest).
    static func identityNodes(size: Int) -> Image {
        let grid = LUT3D.identity(size: size), n = size * size * size
        return Image(width: n, height: 1, colorChannels: 3, hasAlpha: false,
                     samples: (0..<3).flatMap { ch in (0..<n).map { grid.values[3 * $0 + ch] } })
    }

    /// A predicted grade as a processor: the levels and curves (one 1D LUT: 4096 nodes when
    /// there is a stretch, where the curve's own nodes move), then the cube, trilinear as trained.
    static func processor(_ g: GradeParameters) -> LUTProcessor {
        let p = g.curvePoints
        var curves = LUT1D(size: p, values: (0..<p).flatMap { i in (0..<3).map { g.curves[$0 * p + i] } })
        if g.levels != .identity {
            let nodes = 4096, given = curves
            curves = LUT1D(size: nodes, values: (0..<nodes).flatMap { i in
                (0..<3).map { given.evaluate(g.levels.apply(Float(i) / Float(nodes - 1), channel: $0), channel: $0) }
            })
        }
        let c = g.lutSize * g.lutSize * g.lutSize
        var threeD = LUT3D(size: g.lutSize, values: (0..<c).flatMap { i in (0..<3).map { g.lut[$0 * c + i] } })
        threeD.interpolation = .trilinear
        return LUTProcessor(LUT(oneD: curves, threeD: threeD))
    }

    /// Three planar planes in `space` brought to sRGB (the predictor's encoding), clamped to 0…1.
    func inSRGB(_ planar: [Float]) throws -> [Float] {
        guard let toSRGB else { return planar }
        var t = Image(width: planar.count / 3, height: 1, colorChannels: 3, hasAlpha: false, samples: planar)
        try toSRGB.apply(&t, threads: 1)
        return t.samples.map { Swift.min(Swift.max($0, 0), 1) }
    }

    /// The predicted grade (curves, then the predictor's cube; when `transfer` is given, blended
    /// with that colour transfer by its share `blend`, the predictor's `transferBlend`) sampled
    /// on this stage's `lutSize`³ grid in `space`, as interleaved node values (red fastest).
    func bake(_ g: GradeParameters, transfer: (ColorTransfer, blend: Float)? = nil) throws -> [Float] {
        let processor = Self.processor(g)
        let n = lutSize * lutSize * lutSize
        // Planar nodes, through sRGB and back when the LUT applies in another space.
        var nodes = Self.identityNodes(size: lutSize)
        try toSRGB?.apply(&nodes, threads: 1)
        let before = transfer == nil ? [] : nodes.samples
        Self.applyKeepingExcess(processor, to: &nodes, threads: 1)
        if let (transfer, b) = transfer {
            for i in 0..<n {
                let t = transfer.apply(before[i], before[n + i], before[2 * n + i])
                nodes.samples[i] = (1 - b) * nodes.samples[i] + b * t.0
                nodes.samples[n + i] = (1 - b) * nodes.samples[n + i] + b * t.1
                nodes.samples[2 * n + i] = (1 - b) * nodes.samples[2 * n + i] + b * t.2
            }
        }
        try fromSRGB?.apply(&nodes, threads: 1)
        return (0..<n).flatMap { i in (0..<3).map { nodes.samples[$0 * n + i] } }
    }

    /// `processor` applied to the colour planes with values clamped to 0…1, and what lay
    /// outside added back.
    static func applyKeepingExcess(_ processor: LUTProcessor, to image: inout Image, threads: Int) {
        let n = image.planeSize * 3
        let outside = image.samples.withUnsafeBufferPointer { s in (0..<n).contains { !(s[$0] >= 0 && s[$0] <= 1) } }
        guard outside else { processor.apply(to: &image, threads: threads); return }
        var excess = [Float](repeating: 0, count: n)
        for i in 0..<n {
            let v = image.samples[i], c = v.isNaN ? 0 : Swift.min(Swift.max(v, 0), 1)
            excess[i] = v.isNaN ? 0 : v - c
            image.samples[i] = c
        }
        processor.apply(to: &image, threads: threads)
        for i in 0..<n { image.samples[i] += excess[i] }
    }

    /// The plugin's weight files for `mode` (role, path): `match`; or for `auto`, `weights`
    /// then the further members of an ensemble, `weights-2`, `weights-3`, … in order.
    /// A member out of that order (`weights-3` without `weights-2`, `weights-x`) is an error.
    static func files(of m: PluginManifest, mode: String) throws -> [(role: String, path: String)] {
        if mode == "match" { return m.files["match"].map { [("match", $0)] } ?? [] }
        guard let first = m.files["weights"] else { return [] }
        let members = [("weights", first)] + (2...).lazy.map { "weights-\($0)" }.prefix { m.files[$0] != nil }.map { ($0, m.files[$0]!) }
        let stray = m.files.keys.filter { $0.hasPrefix("weights-") && !members.map(\.0).contains($0) }.sorted()
        guard stray.isEmpty else {
            throw PluginError(path: m.manifestPath, reason: .invalid, "plugin '\(m.id)': file\(stray.count == 1 ? "" : "s") \(stray.map { "'\($0)'" }.joined(separator: ", ")) "
                              + "out of order: an ensemble's further members are weights-2, weights-3, … without gaps")
        }
        return members
    }

    static func show(_ v: Float) -> String { v == v.rounded() ? String(Int(v)) : String(format: "%.2f", v) }

    /// `grade: {mode: auto | match, reference: IMAGE, strength: 0…1, lut_size: 17…65,
    /// space: SPACE, export: FILE.cube, plugin: ID}`.
    static func build(_ step: PresetStep, _ m: PluginManifest, _ builder: StageBuilder) throws -> any Stage {
        let settings = try StepSettings(step, known: ["mode", "reference", "strength", "lut_size", "space", "export"])
        let mode = settings.string("mode") ?? "auto"
        guard mode == "auto" || mode == "match" else { throw settings.fail("'mode' must be auto or match, got '\(mode)'") }
        let strength = Float(try settings.number("strength", in: 0...1) ?? 1)
        let size = try settings.integer("lut_size", in: 17...65) ?? 33
        let space = Colorimetry.fitting(try builder.space(settings.string("space") ?? "srgb", step: step), channels: 3)
        let srgb = ColorProfile.named(.srgb)
        let (to, from): (ColorTransform?, ColorTransform?) = space.isEquivalent(to: srgb) ? (nil, nil)
            : (try ColorTransform(from: space, to: srgb, intent: .relative), try ColorTransform(from: srgb, to: space, intent: .relative))
        let files = try Self.files(of: m, mode: mode)
        guard !files.isEmpty else {
            throw PluginError(path: m.manifestPath, reason: .invalid, "plugin '\(m.id)' has no \(mode == "auto" ? "'weights'" : "'match'") file for grade mode \(mode)")
        }
        builder.reads(m)
        let predictors = try files.map { try SharedGradePredictor(path: $0.path, restores: mode == "auto") }
        let predictor = predictors[0]
        let resolved: Mode
        if mode == "match" {
            guard let ref = settings.string("reference") else { throw settings.fail("mode match needs 'reference' (an image; --match REF)") }
            builder.reads(ref)
            var image = try ImageFiles.read(path: ref)
            guard image.colorChannels == 3 else { throw OptionError(path: ref, "a match reference must be an RGB image; this one is gray") }
            let source = Colorimetry.sourceProfile(of: image, path: ref).0
            if !source.isEquivalent(to: srgb) { try ColorTransform(from: source, to: srgb, intent: .relative).apply(&image) }
            let factor = OverlapMatch.Picture.factor(longSide: Swift.max(image.width, image.height))
            resolved = image.samples.withUnsafeBufferPointer { s in
                .match(reference: ref,
                       thumbnail: GradePredictor.thumbnail(s, width: image.width, height: image.height, channels: 3, side: predictor.side),
                       statistics: .init(planar: ColorTransfer.Statistics.sample(s, pixels: image.planeSize)),
                       picture: OverlapMatch.Picture(planar: s, width: image.width, height: image.height, factor: factor), factor: factor)
            }
        } else {
            if settings.string("reference") != nil { throw settings.fail("'reference' is for mode match") }
            resolved = .auto
        }
        let export = try settings.string("export").map { path throws -> LUTExport in
            guard LUTFormat.fromExtension(of: path).map({ $0 != .hald }) == true else {
                throw settings.fail("'export' must be a LUT file (.cube, .3dl, .spi3d, .csp, .clf, .ctf), got '\(path)'")
            }
            builder.writes(path)
            return LUTExport(path: path)
        }
        return GradeStage(mode: resolved, predictors: predictors, plugin: m.id, strength: strength, lutSize: size,
                          space: space, toSRGB: to, fromSRGB: from, export: export)
    }
}

/// A predictor shared by every image of a plan: predictions are serialised (they take
/// milliseconds), since the graph keeps working buffers.
final class SharedGradePredictor: @unchecked Sendable {
    private let lock = NSLock()
    private let predictor: GradePredictor
    let side: Int
    let transferBlend: Float
    let levels: Bool
    /// With `levels`: whether the predictor sees the raw thumbnail after the stretched one.
    let seesRaw: Bool

    init(path: String, restores: Bool) throws {
        predictor = try GradePredictor(path: path)
        guard predictor.restores == restores else {
            throw NNError(path: path, reason: .badWeights, detail: "the predictor \(predictor.restores ? "restores (auto)" : "matches a reference"); this mode \(restores ? "restores" : "matches")")
        }
        side = predictor.thumbnailSide
        transferBlend = predictor.transferBlend
        levels = predictor.levels
        seesRaw = predictor.levels && predictor.inChannels == 6
    }

    func predict(_ thumbnail: [Float]) throws -> GradeParameters {
        lock.lock(); defer { lock.unlock() }
        return try predictor.predict(thumbnail)
    }
}

/// Where a grade stage writes the LUT it applied. Each different LUT decided in a run (one per
/// shot, or per frame with --per-frame) is written: the first to `path`, later ones to
/// `NAME.2.cube`, `NAME.3.cube`, … in the order they were decided.
final class LUTExport: @unchecked Sendable {
    let path: String
    private let lock = NSLock()
    private var written: [[Float]] = []
    init(path: String) { self.path = path }

    func write(_ lut: LUT3D, comments: [String]) throws {
        lock.lock(); defer { lock.unlock() }
        if written.contains(lut.values) { return }
        written.append(lut.values)
        var target = path
        if written.count > 1, let dot = path.lastIndex(of: "."), !path[dot...].contains("/") {
            target = String(path[..<dot]) + ".\(written.count)" + String(path[dot...])
        }
        var file = LUT(title: "restore grade", threeD: lut, format: "cube")
        file.comments = comments
        try LUTLibrary.save(file, to: target, overwrite: true)
    }
}
