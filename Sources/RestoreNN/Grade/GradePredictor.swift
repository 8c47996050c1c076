import RestoreCore

/// restore's colour-grading predictor (architecture `grade-lut`; `GradeLUT` in
/// Training/restore_training/models.py): a small CNN on a thumbnail predicts one global grade,
/// a per-channel 1D curve, then a 3D LUT that is the identity plus a weighted sum of the file's learned
/// basis LUTs (SepLUT-style). With 3 input channels it restores (`--auto`);
/// with 6 (the image's thumbnail, then the reference's) it matches a reference (`--match`).
/// A restoring predictor trained after a levels stretch (`levels`) sees the stretched
/// thumbnail, with 6 channels the raw one after it; its grade starts with that stretch
/// (`GradeLevels`).
/// The body is 3×3 stride-2 convolutions, or with the metadata `body: pointwise` 1×1 stride-1
/// ones, which see the thumbnail's colours and not where they are.
///
/// All values are in the encoding the network was trained in (sRGB, 0…1). Not thread-safe:
/// the graph keeps working buffers, so callers serialise `predict`.
public final class GradePredictor {
    public let path: String
    /// Thumbnail side in pixels (the weights' metadata `thumbnail`; 64 when absent).
    public let thumbnailSide: Int
    /// 3 (restore) or 6 (match: image, then reference; or a `levels` restore: the stretched
    /// thumbnail, then the raw one).
    public let inChannels: Int
    /// Nodes of each channel's 1D curve.
    public let curvePoints: Int
    /// Nodes per axis of the 3D LUT.
    public let lutSize: Int
    /// Match predictors only (0 for the others): the applied grade is `1 − transferBlend` ×
    /// the predicted grade plus `transferBlend` × the MKL colour transfer from the image's
    /// statistics to the reference's (`ColorTransfer`), as trained (the weights' metadata
    /// `transfer_blend`, 0…1; absent means 0).
    public let transferBlend: Float
    /// Whether the grade starts with a levels stretch of the image (`GradeLevels`), which the
    /// caller measures and applies to the first three thumbnail channels (the weights'
    /// metadata `levels: minmax`; always a restoring predictor).
    public let levels: Bool
    /// `bases` × 3 × lutSize³ residual LUT values: [k][channel][blue][green][red].
    private let bases: [Float]
    private let baseCount: Int
    private let graph: LayerGraph

    public init(path: String, threads: Int = 1) throws(NNError) {
        let file = try SafetensorsFile(path: path)
        self.path = path
        func bad(_ what: String) -> NNError { NNError(path: path, reason: .badWeights, detail: what) }
        let b = try file.tensor("bases", rank: 5)
        let (k, c, s) = (b.shape[0], b.shape[1], b.shape[2])
        guard k >= 1, c == 3, s >= 2, s <= 65, b.shape[3] == s, b.shape[4] == s else {
            throw bad("'bases' has shape \(b.shape), expected (K, 3, S, S, S) with S from 2 to 65")
        }
        let fc2 = try file.tensor("fc2.bias", rank: 1)
        guard (fc2.shape[0] - k) % 3 == 0, (fc2.shape[0] - k) / 3 >= 2 else {
            throw bad("'fc2' has \(fc2.shape[0]) outputs: not 3 curves of at least 2 nodes plus \(k) basis weights")
        }
        let side = Int(file.metadata["thumbnail"] ?? "64") ?? 0
        guard (8...1024).contains(side) else { throw bad("metadata 'thumbnail' must be a side from 8 to 1024 pixels, got '\(file.metadata["thumbnail"]!)'") }
        bases = b.values; baseCount = k; lutSize = s; curvePoints = (fc2.shape[0] - k) / 3; thumbnailSide = side
        graph = try LayerGraph(safetensors: path, architecture: .gradeLUT, backend: .reference, threads: threads)
        inChannels = try file.tensor("body.0.weight", rank: 4).shape[1]
        guard inChannels == 3 || inChannels == 6 else { throw bad("the first convolution takes \(inChannels) channels, expected 3 (restore) or 6 (match)") }
        let lv = file.metadata["levels"]
        guard lv == nil || lv == "minmax" else { throw bad("metadata 'levels' must be 'minmax'; got '\(lv!)'") }
        levels = lv != nil
        let blend = file.metadata["transfer_blend"]
        guard let b = Float(blend ?? "0"), (0...1).contains(b), b == 0 || (inChannels == 6 && !levels) else {
            throw bad("metadata 'transfer_blend' must be a number from 0 to 1, and only in a match (6-channel) predictor; got '\(blend!)'")
        }
        transferBlend = b
    }

    /// Whether this predictor restores (`--auto`) rather than matches a reference.
    public var restores: Bool { inChannels == 3 || levels }

    /// The grade predicted from `thumbnail` (`inChannels` planes of `thumbnailSide`², planar,
    /// sRGB 0…1).
    public func predict(_ thumbnail: [Float]) throws(NNError) -> GradeParameters {
        let n = thumbnailSide * thumbnailSide
        guard thumbnail.count == inChannels * n else {
            throw NNError(path: path, reason: .shape, detail: "thumbnail of \(thumbnail.count) values, expected \(inChannels)×\(thumbnailSide)²")
        }
        let v = try graph.run(Tensor(c: inChannels, h: thumbnailSide, w: thumbnailSide, data: thumbnail)).data
        let p = curvePoints, cube = lutSize * lutSize * lutSize
        guard v.count == 3 * p + baseCount else { throw NNError(path: path, reason: .shape, detail: "the predictor gave \(v.count) values, expected \(3 * p + baseCount)") }
        var curves = [Float](repeating: 0, count: 3 * p)
        for c in 0..<3 { for i in 0..<p { curves[c * p + i] = Float(i) / Float(p - 1) + v[c * p + i] } }
        var lut = [Float](repeating: 0, count: 3 * cube)
        let s = Float(lutSize - 1)
        for c in 0..<3 {
            for i in 0..<cube {
                let node = c == 0 ? i % lutSize : c == 1 ? (i / lutSize) % lutSize : i / (lutSize * lutSize)
                var x = Float(node) / s
                for k in 0..<baseCount { x += v[3 * p + k] * bases[(k * 3 + c) * cube + i] }
                lut[c * cube + i] = x
            }
        }
        return GradeParameters(curvePoints: p, curves: curves, lutSize: lutSize, lut: lut)
    }

    /// The `side`² area average of the first `channels` planes of a planar image (each pixel
    /// weighs by how much of it a cell covers, the cell edges at `i · width / side`), clamped to
    /// 0…1 (NaN counts as 0).
    /// PyTorch's `adaptive_avg_pool2d` takes whole pixels instead; the two agree on the
    /// integer-ratio sizes the training used and differ by a fraction of a pixel's weight elsewhere.
    public static func thumbnail(_ samples: UnsafeBufferPointer<Float>, width: Int, height: Int, channels: Int, side: Int) -> [Float] {
        // A side shorter than the thumbnail's: repeat its pixels first (nearest), so that every
        // pixel spans at most one cell.
        if width < side || height < side {
            let fx = (side + width - 1) / width, fy = (side + height - 1) / height
            let w = width * fx, h = height * fy
            var big = [Float](repeating: 0, count: channels * w * h)
            for c in 0..<channels { for y in 0..<h { for x in 0..<w { big[(c * h + y) * w + x] = samples[(c * height + y / fy) * width + x / fx] } } }
            return big.withUnsafeBufferPointer { thumbnail($0, width: w, height: h, channels: channels, side: side) }
        }
        // Columns and rows: the cells a pixel falls in, with its weights (a pixel straddles at most two).
        func spans(_ length: Int) -> [(cell: Int, weight: Float, next: Float)] {
            (0..<length).map { x in
                let a = Double(x) * Double(side) / Double(length), b = Double(x + 1) * Double(side) / Double(length)
                let cell = Swift.min(Int(a), side - 1)
                let edge = Double(cell + 1)
                return b > edge && cell + 1 < side ? (cell, Float((edge - a) / (b - a)), Float((b - edge) / (b - a))) : (cell, 1, 0)
            }
        }
        let cols = spans(width), rows = spans(height)
        var out = [Float](repeating: 0, count: channels * side * side)
        var row = [Float](repeating: 0, count: side)
        for c in 0..<channels {
            for y in 0..<height {
                for i in row.indices { row[i] = 0 }
                let base = (c * height + y) * width
                for x in 0..<width {
                    let raw = samples[base + x], s = cols[x]
                    let v = raw.isNaN ? 0 : Swift.min(Swift.max(raw, 0), 1)
                    row[s.cell] += v * s.weight
                    if s.next > 0 { row[s.cell + 1] += v * s.next }
                }
                let r = rows[y]
                for i in 0..<side {
                    out[(c * side + r.cell) * side + i] += row[i] * r.weight
                    if r.next > 0 { out[(c * side + r.cell + 1) * side + i] += row[i] * r.next }
                }
            }
        }
        let cell = Float(side * side) / Float(width * height)
        for i in out.indices { out[i] *= cell }
        return out
    }
}

/// A predicted grade: a levels stretch (identity unless the predictor uses one), per-channel
/// curves, then a 3D LUT, all over 0…1 in the predictor's encoding (sRGB).
public struct GradeParameters: Sendable, Equatable {
    /// The first step, set by the caller that measured it (`GradePredictor.levels`).
    public var levels: GradeLevels = .identity
    public let curvePoints: Int
    /// 3 × `curvePoints` values, channel-major (red's curve first).
    public let curves: [Float]
    public let lutSize: Int
    /// 3 × `lutSize`³ values, channel-major; within a channel red varies fastest.
    public let lut: [Float]

    public init(curvePoints: Int, curves: [Float], lutSize: Int, lut: [Float]) {
        precondition(curvePoints >= 2 && curves.count == 3 * curvePoints && lutSize >= 2 && lut.count == 3 * lutSize * lutSize * lutSize)
        self.curvePoints = curvePoints; self.curves = curves; self.lutSize = lutSize; self.lut = lut
    }
}
