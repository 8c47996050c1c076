import RestoreNN

/// A network run as a pipeline stage: the image is converted from its own profile into the
/// encoding the network was trained on, run tile by tile, resampled to the requested scale,
/// and converted back, so the next stage (and the output) sees the image's own profile. Alpha
/// is resized separately with Lanczos-3; the depth is the caller's to keep.
public struct NetworkStage: Sendable {
    /// What the stage does (for messages and reports): "upscale", "denoise".
    public var name: String
    public var executor: TiledExecutor
    /// The space the network expects its input in (default sRGB, as the published models).
    public var encoding: ColorProfile = .named(.srgb)
    /// Output scale; nil keeps the network's own. A different one resamples its result with
    /// Lanczos-3 (like Real-ESRGAN's `--outscale`).
    public var scale: Double?
    /// Constant planes appended to the input (a noise-level map for non-blind denoisers).
    public var extraPlanes: [Float] = []
    public var tiling = TilingOptions()
    /// Called after each tile with (done, total).
    public var progress: (@Sendable (Int, Int) -> Void)?

    public init(name: String, network: any Network) throws(NNError) {
        self.name = name
        executor = try TiledExecutor(network: network)
    }

    /// Output size for a `width`×`height` input.
    public func outputSize(width: Int, height: Int) -> (width: Int, height: Int) {
        let s = scale ?? Double(executor.geometry.scale)
        return (Swift.max(1, Int((Double(width) * s).rounded())), Swift.max(1, Int((Double(height) * s).rounded())))
    }

    /// Runs the stage on `image`, whose values are in `profile`.
    public func apply(to image: inout Image, profile: ColorProfile, threads: Int) throws {
        let g = executor.geometry
        let colorIn = g.inChannels - extraPlanes.count
        guard colorIn == 3 || colorIn == 1, g.outChannels == colorIn else {
            throw NNError(path: executor.network.path, reason: .shape,
                          detail: "\(name) needs a network from \(colorIn) to \(g.outChannels) channels; restore runs RGB→RGB or gray→gray networks")
        }
        let netProfile = Colorimetry.fitting(encoding, channels: colorIn)
        let there = profile.isEquivalent(to: netProfile) ? nil : try ColorTransform(from: profile, to: netProfile, intent: .relative)
        let back = profile.isEquivalent(to: netProfile) ? nil : try ColorTransform(from: netProfile, to: profile, intent: .relative)

        // Same channel count, or a gray image for an RGB network (repeated, averaged back).
        guard image.colorChannels == colorIn || (image.colorChannels == 1 && colorIn == 3) else {
            throw OptionError(path: executor.network.path, "\(name): a \(colorIn)-channel network cannot process a \(image.colorChannels)-channel image")
        }
        var work = image
        if let there { try there.apply(&work, threads: threads) }
        if work.colorChannels != colorIn { work = Self.replicatingGray(work, to: colorIn) }
        var input = Tensor(c: colorIn, h: work.height, w: work.width,
                           data: Array(work.samples[0..<(colorIn * work.planeSize)]))
        // Networks are trained on 0…1: float inputs outside it are clipped for them.
        for i in input.data.indices { input.data[i] = Swift.min(Swift.max(input.data[i], 0), 1) }
        var tiling = self.tiling
        tiling.threads = threads
        var result = try executor.run(input, extraPlanes: extraPlanes, options: tiling, progress: progress)
        for i in result.data.indices { result.data[i] = Swift.min(Swift.max(result.data[i], 0), 1) }

        let (ow, oh) = outputSize(width: image.width, height: image.height)
        var color = result.data
        if result.w != ow || result.h != oh {
            color = Resample.lanczos3(color, planes: colorIn, width: result.w, height: result.h, newWidth: ow, newHeight: oh,
                                      clampRange: 0...1, threads: threads)
        }
        var metadata = image.metadata
        if let r = metadata.resolution {  // same physical size, more pixels
            metadata.resolution?.x = r.x * Double(ow) / Double(image.width)
            metadata.resolution?.y = r.y * Double(oh) / Double(image.height)
        }
        if image.hasAlpha {
            let alpha = Array(image.samples[(image.colorChannels * image.planeSize)...])
            color += Resample.lanczos3(alpha, planes: 1, width: image.width, height: image.height, newWidth: ow, newHeight: oh,
                                       clampRange: 0...1, threads: threads)
        }
        var out = Image(width: ow, height: oh, colorChannels: colorIn, hasAlpha: image.hasAlpha, samples: color, metadata: metadata)
        if let back { try back.apply(&out, threads: threads) }
        if out.colorChannels != image.colorChannels { out = Self.averagingToGray(out) }
        out.metadata = metadata
        image = out
    }

    /// A 1-channel image repeated into `channels`.
    static func replicatingGray(_ image: Image, to channels: Int) -> Image {
        let n = image.planeSize
        var s = [Float](); s.reserveCapacity((channels + (image.hasAlpha ? 1 : 0)) * n)
        for _ in 0..<channels { s += image.samples[0..<n] }
        if image.hasAlpha { s += image.samples[n...] }
        return Image(width: image.width, height: image.height, colorChannels: channels, hasAlpha: image.hasAlpha, samples: s, metadata: image.metadata)
    }

    /// An RGB image back to gray (mean of the channels: the network saw three equal ones).
    static func averagingToGray(_ image: Image) -> Image {
        let n = image.planeSize
        var s = (0..<n).map { (image.samples[$0] + image.samples[n + $0] + image.samples[2 * n + $0]) / 3 }
        if image.hasAlpha { s += image.samples[(3 * n)...] }
        return Image(width: image.width, height: image.height, colorChannels: 1, hasAlpha: image.hasAlpha, samples: s, metadata: image.metadata)
    }
}
