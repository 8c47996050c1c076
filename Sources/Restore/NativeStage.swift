/// A native (C ABI) plugin run as a pipeline stage: tiles of 256 pixels with the plugin's halo
/// are copied out, processed in parallel, and their cores copied back. Alpha is not passed
/// and is kept; values are in the plugin's `encoding` (default the image's own profile).
public struct NativeStage: Sendable {
    public let plugin: NativePlugin
    /// Parameter values in manifest order.
    public let parameters: [Double]
    public var tileSize = 256

    public init(plugin: NativePlugin, parameters: [Double]) {
        self.plugin = plugin
        self.parameters = parameters
    }

    public func apply(to image: inout Image, profile: ColorProfile, threads: Int) throws {
        let encoding = try plugin.manifest.encoding.map { e throws(ColorError) in Colorimetry.fitting(try ColorProfile.resolve(e), channels: image.colorChannels) }
        let convert = encoding.map { !profile.isEquivalent(to: $0) } ?? false
        let keptICC = image.metadata.iccProfile
        if convert, let encoding { try ColorTransform(from: profile, to: encoding, intent: .relative).apply(&image, threads: threads) }
        let source = image  // tiles read the unprocessed pixels even where a neighbour has written
        let (w, h, cc, n) = (image.width, image.height, image.colorChannels, image.planeSize)
        let tiles = makeTiles(width: w, height: h, size: tileSize, halo: plugin.halo)
        let failure = FirstError()
        let (plugin, parameters) = (self.plugin, self.parameters)
        source.samples.withUnsafeBufferPointer { sb in image.samples.withUnsafeMutableBufferPointer { db in
            let src = SendableConstPointer(sb.baseAddress!), dst = SendablePointer(db.baseAddress!)
            parallelForTiles(tiles, threads: threads) { t in
                let r = t.input, size = r.width * r.height
                var buffer = [Float](repeating: 0, count: cc * size)
                for c in 0..<cc { for y in 0..<r.height {
                    for x in 0..<r.width { buffer[c * size + y * r.width + x] = src.base[c * n + (r.y + y) * w + r.x + x] }
                } }
                do {
                    try buffer.withUnsafeMutableBufferPointer { b throws(PluginError) in
                        try plugin.process(b.baseAddress!, planeStride: size, width: r.width, height: r.height, channels: cc,
                                           x: r.x, y: r.y, imageWidth: w, imageHeight: h, parameters: parameters)
                    }
                } catch { failure.record(error); return }
                let core = t.region
                for c in 0..<cc { for y in core.y..<core.maxY { for x in core.x..<core.maxX {
                    dst.base[c * n + y * w + x] = buffer[c * size + (y - r.y) * r.width + (x - r.x)]
                } } }
            }
        } }
        try failure.rethrow()
        if convert, let encoding { try ColorTransform(from: encoding, to: profile, intent: .relative).apply(&image, threads: threads) }
        image.metadata.iccProfile = keptICC
    }
}
