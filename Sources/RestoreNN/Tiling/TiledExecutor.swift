import Foundation
import RestoreCore

/// How an image is cut into tiles for a network.
public struct TilingOptions: Sendable {
    /// Tile size in input pixels (the core each tile owns); nil: the largest that fits
    /// `memoryBudget`.
    public var tile: Int?
    /// Bytes the network's working set may take per tile (default 1 GiB).
    public var memoryBudget = 1 << 30
    /// Context in input pixels around each tile beyond its blend zone; nil: the receptive
    /// field when it is at most 48 pixels (tiles then equal the whole-image result), else 16
    /// (none beyond their own border for unpadded networks).
    public var halo: Int?
    /// Width in input pixels of the zone over which neighbouring tiles are cross-faded when the
    /// halo is smaller than the receptive field (a raised-cosine ramp of 2·`blend`).
    public var blend = 8
    public var threads = Parallelism.defaultThreads
    /// Polled before each tile; once cancelled the run throws `NNError` `.cancelled`.
    public var cancellation: Cancellation?

    public init() {}
}

/// The tiles an image is cut into, and why.
public struct TilePlan: Sendable, Equatable, CustomStringConvertible {
    /// Core tile size (input pixels), tiles across and down.
    public var tile: Int, columns: Int, rows: Int
    /// Context beyond the blend zone, blend half-width and the network's own border (input pixels).
    public var halo: Int, blend: Int, shrink: Int
    /// True when the halo covers the receptive field, so tiling changes nothing.
    public var exact: Bool
    public var count: Int { columns * rows }
    public var description: String {
        "\(count) tile(s) of ≤\(tile) px, halo \(halo) px" + (blend > 0 ? ", blended over \(2 * blend) px" : "") + (exact ? " (exact)" : "")
    }
}

/// Runs a network over an image of any size in tiles: each tile is cut with enough context
/// (the network's own border for unpadded networks such as waifu2x, or a halo for padded ones
/// such as Real-ESRGAN), outside the image the edge pixels are repeated, and where the halo is
/// smaller than the receptive field neighbouring tiles are cross-faded, so no seam shows.
/// With a halo covering the receptive field the result equals a whole-image run (tested).
public struct TiledExecutor: Sendable {
    public let network: any Network
    public let geometry: ModelGeometry

    public init(network: any Network) throws(NNError) {
        self.network = network
        geometry = try network.geometry()
    }

    /// The tiling for a `width`×`height` input.
    public func plan(width: Int, height: Int, options: TilingOptions = TilingOptions()) -> TilePlan {
        let g = geometry
        let finite = g.radius.isFinite ? Int(g.radius.rounded(.up)) : Int.max
        // Unpadded networks (waifu2x) carry their context in `shrink`: exact unless a global op
        // (cunet's squeeze-excitation) sees the whole tile, which blending then hides.
        let halo = options.halo ?? (g.shrink > 0 ? 0 : finite <= 48 ? finite : 16)
        let exact = g.radius.isFinite && (g.shrink > 0 || halo >= finite)
        let wantedBlend = exact ? 0 : options.blend
        let margin = halo + wantedBlend + g.shrink
        var tile: Int
        if let t = options.tile { tile = Swift.max(1, t) }
        else {
            let side = Int((Double(options.memoryBudget) / Swift.max(g.bytesPerPixel, 1)).squareRoot())
            tile = Swift.max(16, side - 2 * margin)
        }
        tile = Swift.min(tile, Swift.max(width, height))
        let blend = Swift.min(wantedBlend, tile / 2)  // ramps of neighbouring boundaries must not overlap
        return TilePlan(tile: tile, columns: (width + tile - 1) / tile, rows: (height + tile - 1) / tile,
                        halo: halo, blend: blend, shrink: g.shrink, exact: exact)
    }

    /// Runs the network on `input` (geometry.inChannels − `extraPlanes.count` channels, CHW)
    /// with `extraPlanes` appended (a noise-level map, say), tile by tile.
    /// `progress` sees (tiles done, total) after each tile.
    public func run(_ input: Tensor, extraPlanes: ExtraPlanes = .none, options: TilingOptions = TilingOptions(),
                    progress: ((Int, Int) -> Void)? = nil) throws(NNError) -> Tensor {
        let g = geometry, s = g.scale
        guard input.c + extraPlanes.count == g.inChannels else {
            throw NNError(path: network.path, reason: .shape,
                          detail: "the network takes \(g.inChannels) channels, given \(input.c) + \(extraPlanes.count)")
        }
        let plan = plan(width: input.w, height: input.h, options: options)
        var out = Tensor(c: g.outChannels, h: input.h * s, w: input.w * s)
        let xs = spans(input.w, plan.columns), ys = spans(input.h, plan.rows)
        var done = 0
        for (y0, y1) in ys {
            let wy = window(y0, y1, n: input.h, plan: plan)
            for (x0, x1) in xs {
                let wx = window(x0, x1, n: input.w, plan: plan)
                if options.cancellation?.isCancelled == true {
                    throw NNError(path: network.path, reason: .cancelled, detail: "cancelled after \(done) of \(plan.count) tiles")
                }
                let tileIn = gather(input, extraPlanes, rows: wy, cols: wx)
                let tileOut = try network.run(tileIn)
                // The tile's output covers input pixels [start + shrink, end − shrink).
                let oy = (wy.start + g.shrink) * s, ox = (wx.start + g.shrink) * s
                guard tileOut.c == g.outChannels, tileOut.h == (wy.end - wy.start - 2 * g.shrink) * s,
                      tileOut.w == (wx.end - wx.start - 2 * g.shrink) * s else {
                    throw NNError(path: network.path, reason: .shape, detail: "tile output \(tileOut.shape) does not match the planned geometry")
                }
                let keepY = (Swift.max(y0 - plan.blend, 0) * s, Swift.min(y1 + plan.blend, input.h) * s)
                let keepX = (Swift.max(x0 - plan.blend, 0) * s, Swift.min(x1 + plan.blend, input.w) * s)
                if plan.blend == 0 {
                    place(tileOut, at: (oy, ox), rows: keepY, cols: keepX, into: &out, threads: options.threads)
                } else {
                    let fy = ramp(keepY, core: (y0, y1), n: input.h, plan: plan), fx = ramp(keepX, core: (x0, x1), n: input.w, plan: plan)
                    blendIn(tileOut, at: (oy, ox), rows: keepY, cols: keepX, fy: fy, fx: fx, into: &out, threads: options.threads)
                }
                done += 1
                progress?(done, plan.count)
            }
        }
        return out
    }

    /// `count` cores of near-equal size covering 0..<n.
    private func spans(_ n: Int, _ count: Int) -> [(Int, Int)] {
        (0..<count).map { (n * $0 / count, n * ($0 + 1) / count) }
    }

    /// The input window a tile reads (may extend past the image: edge pixels repeat there).
    private func window(_ a: Int, _ b: Int, n: Int, plan: TilePlan) -> (start: Int, end: Int) {
        // Context beyond the network's own border only where a neighbour tile is: at the
        // image's edges an unpadded network sees exactly its border of repeated pixels, as
        // when the waifu2x tools run it on the whole image.
        let m = plan.halo + plan.blend + plan.shrink
        var start = a - (a == 0 ? plan.shrink : m), end = b + (b == n ? plan.shrink : m)
        if plan.shrink == 0 {  // zero-padding networks see the true border, as in a whole-image run
            start = Swift.max(start, 0); end = Swift.min(end, n)
            // and a U-Net's stride-2 steps sample the same grid as in a whole-image run
            start -= start % geometry.alignment
        }
        var extra = geometry.acceptedSize(atLeast: end - start) - (end - start)
        if plan.shrink == 0 {  // widen inside the image first
            let right = Swift.min(extra, Swift.max(0, n - end)); end += right; extra -= right
            let a = geometry.alignment, left = Swift.min(extra, Swift.max(0, start)) / a * a
            start -= left; extra -= left
        }
        return (start, end + extra)
    }

    /// The tile's input: rows and columns of the window, clamped to the image, plus the extra planes.
    private func gather(_ x: Tensor, _ extra: ExtraPlanes, rows: (start: Int, end: Int), cols: (start: Int, end: Int)) -> Tensor {
        let th = rows.end - rows.start, tw = cols.end - cols.start
        var t = Tensor(c: x.c + extra.count, h: th, w: tw)
        let colIndex = (cols.start..<cols.end).map { Swift.min(Swift.max($0, 0), x.w - 1) }
        x.data.withUnsafeBufferPointer { src in t.data.withUnsafeMutableBufferPointer { dst in
            for c in 0..<x.c { for r in 0..<th {
                let sy = Swift.min(Swift.max(rows.start + r, 0), x.h - 1)
                let s = src.baseAddress! + (c * x.h + sy) * x.w, d = dst.baseAddress! + (c * th + r) * tw
                for i in 0..<tw { d[i] = s[colIndex[i]] }
            } }
            if extra.count > 0 { extra.fill(dst.baseAddress!, x.c, th * tw, dst.baseAddress! + x.c * th * tw) }
        } }
        return t
    }

    /// Copies output rows/cols `rows`/`cols` (image output coordinates) of a tile whose
    /// top-left output pixel is `at`.
    private func place(_ t: Tensor, at o: (Int, Int), rows: (Int, Int), cols: (Int, Int), into out: inout Tensor, threads: Int) {
        let (w, h, n, nr) = (out.w, out.h, cols.1 - cols.0, rows.1 - rows.0)
        t.data.withUnsafeBufferPointer { sb in out.data.withUnsafeMutableBufferPointer { db in
            let src = SendableConstPointer(sb.baseAddress!), dst = SendablePointer(db.baseAddress!)
            parallelFor(t.c * nr, threads: threads) { i in
                let c = i / nr, y = rows.0 + i % nr
                (dst.base + (c * h + y) * w + cols.0).update(from: src.base + (c * t.h + y - o.0) * t.w + cols.0 - o.1, count: n)
            }
        } }
    }

    /// Weights along one axis for output positions `keep`: 1 inside the core, raised-cosine
    /// ramps across each blend zone shared with a neighbour (complementary, so they sum to 1).
    private func ramp(_ keep: (Int, Int), core: (Int, Int), n: Int, plan: TilePlan) -> [Float] {
        let s = Double(geometry.scale), b = Double(plan.blend)
        func r(_ t: Double) -> Float { t <= 0 ? 0 : t >= 1 ? 1 : Float(0.5 - 0.5 * cos(Double.pi * t)) }
        return (keep.0..<keep.1).map { X in
            let u = (Double(X) + 0.5) / s
            var w: Float = 1
            if core.0 > 0 { w *= r((u - (Double(core.0) - b)) / (2 * b)) }
            if core.1 < n { w *= r((Double(core.1) + b - u) / (2 * b)) }
            return w
        }
    }

    /// Adds a tile's output weighted by `fy`×`fx` over `rows`×`cols`. Neighbours' ramps are
    /// complementary (r(t) + r(1 − t) = 1, at most two tiles per axis), so the weights of all
    /// tiles sum to 1 everywhere and no weight plane or normalisation is needed.
    private func blendIn(_ t: Tensor, at o: (Int, Int), rows: (Int, Int), cols: (Int, Int), fy: [Float], fx: [Float],
                         into out: inout Tensor, threads: Int) {
        let (w, h, n, nr) = (out.w, out.h, cols.1 - cols.0, rows.1 - rows.0)
        t.data.withUnsafeBufferPointer { sb in out.data.withUnsafeMutableBufferPointer { db in
            let src = SendableConstPointer(sb.baseAddress!), dst = SendablePointer(db.baseAddress!)
            parallelFor(nr, threads: threads) { r in
                let y = rows.0 + r
                for c in 0..<t.c {
                    let d = dst.base + (c * h + y) * w + cols.0, s = src.base + (c * t.h + y - o.0) * t.w + cols.0 - o.1
                    for i in 0..<n { d[i] += fy[r] * fx[i] * s[i] }
                }
            }
        } }
    }
}
