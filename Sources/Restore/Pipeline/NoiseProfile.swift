import RestoreCore
import RestoreNN

/// A blind estimate of an image's noise as a function of brightness, per colour channel: what
/// `--sigma auto` gives a denoiser with noise-map planes. Camera noise is not one σ: it grows
/// with the signal in linear light, the tone curve then lifts it in the shadows, and white
/// balance amplifies red and blue.
///
/// Estimation reads the lower envelope of local estimates, because flat regions show the noise
/// and texture only adds to it:
/// - each interior pixel's response is Immerkær's Laplacian-like mask on its channel (deviation
///   6σ for white noise of σ); masks touching a clipped value (≤ 0 or ≥ 1, or not finite) are
///   left out;
/// - the interior is cut into 16×16 blocks of masks (partial blocks at the right and bottom are
///   dropped; above 4,096 blocks, every `step`-th block in row-major order);
/// - a block's σ in a channel is its median unclipped response / (0.6745 · 6) · 255, when at
///   least half its masks are unclipped; its bin is ⌊brightness · 8⌋, brightness being the mean
///   over its masks' centres of the mean colour value (0…1);
/// - a bin's σ is the lower quartile (element count/4 of the sorted values) of its blocks' σ
///   when it holds at least 4 blocks; other bins interpolate their valid neighbours linearly (the
///   nearest one past the ends);
/// - a channel's `level` is the lower quartile of all its blocks; a channel with no valid bin
///   takes it for every bin, and one without any block (images under 18 pixels, or clipped
///   everywhere) the median of all its finite responses, clipped ones included (0 when none).
///
/// The map at a pixel of brightness t is each channel's profile interpolated linearly between
/// bin centres (constant past the first and last), so it needs no neighbourhood and a tiled run
/// gets the same planes. `Training/restore_training/noise_profile.py` is the same algorithm
/// (the denoiser trains on these maps); `NoiseProfileTests` holds them equal.
public struct NoiseProfile: Sendable, Equatable {
    /// Brightness bins: bin k holds brightness [k/8, (k+1)/8).
    public static let bins = 8
    /// Below this level (8-bit levels) in every channel an image is clean, and `--sigma auto`
    /// leaves it alone: a quarter of its blocks have a median response of at most one 8-bit
    /// level. Measured: clean photos of 6–16 MP read 0–0.25; the weakest noise of
    /// `Benchmarks/quality.py --noise camera` (low, JPEG q90) reads 0.49 or more on its crops.
    public static let cleanBelow = 0.4
    static let block = 16, minBlocks = 4, maxBlocks = 4096

    /// σ in 8-bit levels per colour channel and brightness bin: `sigma[c][k]`.
    public var sigma: [[Double]]
    /// Each channel's overall level: the lower quartile of its blocks' σ (8-bit levels).
    public var levels: [Double]

    public init(sigma: [[Double]], levels: [Double]) { self.sigma = sigma; self.levels = levels }

    /// True when every channel's level is below `cleanBelow`.
    public var isClean: Bool { levels.allSatisfy { $0 < Self.cleanBelow } }

    /// Every value multiplied by `factor` (a colourist's strength).
    public func scaled(by factor: Double) -> NoiseProfile {
        NoiseProfile(sigma: sigma.map { $0.map { $0 * factor } }, levels: levels.map { $0 * factor })
    }

    /// "σ ≈ 2.1/1.6/2.8 (R/G/B), 0.9–4.0 from dark to bright": the levels, then the map's range.
    /// The mask sees only the fine-grained part of the noise: white noise reads its true σ, but
    /// demosaiced camera noise, smoothed by the interpolation (red and blue most), reads far
    /// below its RMS — 0.5/3.2/0.7 for an RMS error of 14.7/11.6/15.7 levels on the "high"
    /// crop of `Benchmarks/denoise_speed.sh`. The denoiser was trained on these readings, so
    /// they steer it correctly; they are not the noise's standard deviation.
    public var summary: String {
        func f(_ v: Double) -> String { String((v * 10).rounded() / 10) }
        let all = sigma.flatMap { $0 }
        let range = "\(f(all.min() ?? 0))–\(f(all.max() ?? 0)) from dark to bright"
        return levels.count == 3 ? "σ ≈ \(levels.map(f).joined(separator: "/")) (R/G/B), \(range)" : "σ ≈ \(f(levels.first ?? 0)), \(range)"
    }

    /// A flat table for a `ShotDecision`: the levels, then the bins channel by channel.
    var table: [Float] { (levels + sigma.flatMap { $0 }).map(Float.init) }

    /// The profile stored by `table`.
    init?(table: [Float]) {
        let c = table.count / (1 + Self.bins)
        guard c > 0, table.count == c * (1 + Self.bins) else { return nil }
        levels = table[0..<c].map(Double.init)
        sigma = (0..<c).map { ch in table[(c + ch * Self.bins)..<(c + (ch + 1) * Self.bins)].map(Double.init) }
    }

    /// A shot's profile: entry by entry, the median of its frames' (the mean of the middle two
    /// for an even count).
    static func median(of profiles: [NoiseProfile]) -> NoiseProfile {
        func med(_ v: [Double]) -> Double {
            let s = v.sorted(), n = s.count
            return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2
        }
        let first = profiles[0], c = profiles.map { $0.levels.count }.min()!
        return NoiseProfile(sigma: (0..<c).map { ch in (0..<first.sigma[ch].count).map { k in med(profiles.map { $0.sigma[ch][k] }) } },
                            levels: (0..<c).map { ch in med(profiles.map { $0.levels[ch] }) })
    }

    /// `count` noise planes for a network (σ / 255, one per colour channel; a gray profile
    /// serves every plane) computed from each pixel's colour values. `peak` is the factor
    /// the network's input was divided by (`HighlightShaper`): brightness is read in the
    /// image's units and the planes scale with the image.
    func planes(count: Int, peak: Float = 1) -> ExtraPlanes {
        let bins = Self.bins
        let table = (0..<count).map { c in sigma[Swift.min(c, sigma.count - 1)].map { Float($0) / 255 / peak } }
        return ExtraPlanes(count: count) { colour, channels, n, into in
            for i in 0..<n {
                var t: Float = 0
                for c in 0..<channels { t += colour[c * n + i] }
                t = Swift.min(Swift.max(t / Float(channels) * peak, 0), 1)
                let u = Swift.min(Swift.max(t * Float(bins) - 0.5, 0), Float(bins - 1))
                let i0 = Swift.min(Int(u.rounded(.down)), bins - 2), f = u - Float(i0)
                for c in 0..<count { into[c * n + i] = table[c][i0] * (1 - f) + table[c][i0 + 1] * f }
            }
        }
    }

    /// The profile of `image`'s colour channels (values in 0…1 at the clipping points).
    public static func estimate(of image: Image, threads: Int = Parallelism.defaultThreads) -> NoiseProfile {
        let w = image.width, h = image.height, n = image.planeSize, channels = image.colorChannels
        guard w >= 3, h >= 3 else { return NoiseProfile(sigma: .init(repeating: .init(repeating: 0, count: bins), count: channels), levels: .init(repeating: 0, count: channels)) }
        let bw = (w - 2) / block, count = bw * ((h - 2) / block)
        let step = Swift.max(1, count / maxBlocks)
        let picked = count >= step ? (count - step) / step + 1 : 0  // blocks step−1, 2·step−1, …
        // Per picked block: its bin, then each channel's σ (NaN when too clipped).
        let stride = 1 + channels
        var results = [Double](repeating: .nan, count: picked * stride)
        image.samples.withUnsafeBufferPointer { s in results.withUnsafeMutableBufferPointer { r in
            let src = SendableConstPointer(s.baseAddress!), out = SendablePointer(r.baseAddress!)
            parallelFor(picked, threads: threads) { j in
                let b = (j + 1) * step - 1, y0 = 1 + (b / bw) * block, x0 = 1 + (b % bw) * block
                var total = 0.0
                for y in y0..<(y0 + block) { for x in x0..<(x0 + block) {
                    for c in 0..<channels { total += Double(src.base[c * n + y * w + x]) }
                } }
                if channels == 1 { total *= 3 }
                let t = total * Double(bins) / Double(3 * block * block)  // NaN, ±∞ and negatives: bin 0
                out.base[j * stride] = t.isFinite ? Double(Swift.min(Int(Swift.max(t, 0)), bins - 1)) : 0
                var responses = [Float](); responses.reserveCapacity(block * block)
                for c in 0..<channels {
                    let p = src.base + c * n
                    responses.removeAll(keepingCapacity: true)
                    for y in y0..<(y0 + block) { for x in x0..<(x0 + block) {
                        let i = y * w + x
                        if let v = response(p, i, w, skippingClipped: true) { responses.append(v) }
                    } }
                    if 2 * responses.count >= block * block {
                        out.base[j * stride + 1 + c] = NoiseEstimate.sigma(fromMedian: responses.nthSmallest(responses.count / 2))
                    }
                }
            }
        } }
        var sigma: [[Double]] = [], levels: [Double] = []
        for c in 0..<channels {
            let blocks = (0..<picked).compactMap { j -> (Double, Int)? in
                let v = results[j * stride + 1 + c]
                return v.isNaN ? nil : (v, Int(results[j * stride]))
            }
            guard !blocks.isEmpty else {
                var all = image.samples.withUnsafeBufferPointer { s in allResponses(s.baseAddress! + c * n, w, h) }
                let v = all.isEmpty ? 0 : NoiseEstimate.sigma(fromMedian: all.nthSmallest(all.count / 2))
                sigma.append(.init(repeating: v, count: bins)); levels.append(v)
                continue
            }
            func quartile(_ v: [Double]) -> Double { var v = v; return v.nthSmallest(v.count / 4) }
            let level = quartile(blocks.map(\.0))
            levels.append(level)
            var valid: [Int: Double] = [:]
            for k in 0..<bins {
                let inBin = blocks.filter { $0.1 == k }.map(\.0)
                if inBin.count >= minBlocks { valid[k] = quartile(inBin) }
            }
            let keys = valid.keys.sorted()
            guard !keys.isEmpty else { sigma.append(.init(repeating: level, count: bins)); continue }
            sigma.append((0..<bins).map { k in
                let lo = keys.last { $0 <= k }, hi = keys.first { $0 >= k }
                switch (lo, hi) {
                case let (lo?, hi?) where lo != hi: return valid[lo]! + (valid[hi]! - valid[lo]!) * Double(k - lo) / Double(hi - lo)
                case let (lo?, _): return valid[lo]!
                case let (nil, hi?): return valid[hi]!
                case (nil, nil): return level
                }
            })
        }
        return NoiseProfile(sigma: sigma, levels: levels)
    }

    /// The mask's absolute response at interior index `i` of a plane of width `w`; nil when
    /// `skippingClipped` and its 3×3 window touches ≤ 0 or ≥ 1.
    @inline(__always)
    private static func response(_ p: UnsafePointer<Float>, _ i: Int, _ w: Int, skippingClipped: Bool) -> Float? {
        if skippingClipped {  // NaN and infinities count as clipped
            for o in Swift.stride(from: i - w, through: i + w, by: w) { for d in -1...1 where !(p[o + d] > 0 && p[o + d] < 1) { return nil } }
        }
        return NoiseEstimate.mask(p, i, w)
    }

    private static func allResponses(_ p: UnsafePointer<Float>, _ w: Int, _ h: Int) -> [Float] {
        var all: [Float] = []
        for y in 1..<(h - 1) { for x in 1..<(w - 1) {
            if let r = response(p, y * w + x, w, skippingClipped: false), r.isFinite { all.append(r) }
        } }
        return all
    }
}
