import RestoreColor
import RestoreCore
import RestorePlugins

/// A native (C ABI) plugin run as a stage: tiles of `tileSize` pixels with the plugin's halo
/// are copied out, processed in parallel, and their cores copied back. Alpha is not passed
/// and is kept; values are in the plugin's `encoding` (default the image's own profile).
struct NativeStage: Stage {
    let kind: String
    let plugin: NativePlugin
    /// Parameter values in manifest order.
    let parameters: [Double]
    let encodingProfile: ColorProfile?
    var tileSize = 256

    var label: String { "\(kind) (\(plugin.manifest.id))" }
    func encoding(channels: Int) -> ColorProfile? { encodingProfile.map { Colorimetry.fitting($0, channels: channels) } }
    func geometry() -> StageGeometry { StageGeometry(scale: 1, halo: plugin.halo) }

    func apply(to image: inout Image, context: StageContext) throws -> [String] {
        let source = image  // tiles read the unprocessed pixels even where a neighbour has written
        let (w, h, cc, n) = (image.width, image.height, image.colorChannels, image.planeSize)
        let tiles = makeTiles(width: w, height: h, size: tileSize, halo: plugin.halo)
        let failure = FirstError()
        let (plugin, parameters) = (self.plugin, self.parameters)
        source.samples.withUnsafeBufferPointer { sb in image.samples.withUnsafeMutableBufferPointer { db in
            let src = SendableConstPointer(sb.baseAddress!), dst = SendablePointer(db.baseAddress!)
            parallelForTiles(tiles, threads: context.threads) { t in
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
        return []
    }
}
