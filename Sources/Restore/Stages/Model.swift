import Foundation
import RestoreColor
import RestoreCore
import RestoreNN
import RestorePlugins
#if canImport(Glibc)
import Glibc
#endif

/// A network named by a plugin or a file, loaded (and its geometry probed) when first needed
/// and then shared by every image of the plan. A loaded network keeps working buffers, so two
/// images never run through one at the same time: concurrent runs (batch `--jobs`, stream
/// jobs, threads of a library user) each take an idle copy from a pool, loading another copy
/// when none is idle — at most one per concurrent run.
final class Model: @unchecked Sendable {
    /// The plugin id, or the file as given.
    let label: String
    let manifest: PluginManifest?
    let path: String
    /// The space the network expects (the manifest's `encoding`, else sRGB as our models and
    /// the published ones are trained on).
    let encoding: ColorProfile
    /// Threads the backend is set up for.
    let threads: Int
    private let lock = NSLock()
    private var executor: TiledExecutor?
    /// Loaded copies not running now (the first one included).
    private var idle: [TiledExecutor] = []

    init(label: String, manifest: PluginManifest?, path: String, encoding: ColorProfile, threads: Int) {
        self.label = label; self.manifest = manifest; self.path = path; self.encoding = encoding; self.threads = threads
    }

    /// `reference` is a plugin id, a model file (.param with its .bin, .onnx) or a plugin folder.
    static func resolve(_ reference: String, stage: PluginManifest.Stage, builder: StageBuilder) throws -> Model {
        if reference.hasSuffix(".param") || reference.hasSuffix(".onnx") || reference.hasSuffix(".safetensors") {
            guard access(reference, R_OK) == 0 else { throw NNError(path: reference, reason: .unreadable, detail: "model file not found") }
            builder.reads(reference)
            if reference.hasSuffix(".param") { builder.reads(String(reference.dropLast(6)) + ".bin") }
            return Model(label: reference, manifest: nil, path: reference, encoding: .named(.srgb), threads: builder.threads)
        }
        return try of(builder.plugin(reference, for: stage), builder: builder)
    }

    static func of(_ m: PluginManifest, builder: StageBuilder) throws -> Model {
        guard m.kind == .model, let p = m.files["param"] ?? m.files["model"] ?? m.files["weights"] else {
            throw PluginError(path: m.manifestPath, reason: .invalid, "plugin '\(m.id)' is a \(m.kind.rawValue) plugin, not a model")
        }
        builder.reads(m)
        let encoding = try m.encoding.map { e throws(ColorError) in try ColorProfile.resolve(e) } ?? .named(.srgb)
        return Model(label: m.id, manifest: m, path: p, encoding: encoding, threads: builder.threads)
    }

    /// Whether the network has been loaded yet.
    var isLoaded: Bool { lock.lock(); defer { lock.unlock() }; return executor != nil }

    /// The loaded network with its tiling; loads on first use.
    func tiled() throws -> TiledExecutor {
        lock.lock(); defer { lock.unlock() }
        if let executor { return executor }
        let e = try TiledExecutor(network: load())
        executor = e
        idle.append(e)
        return e
    }

    /// Runs `body` with a copy of the network no other run is using.
    private func withIdleCopy<T>(_ body: (TiledExecutor) throws -> T) throws -> T {
        _ = try tiled()
        lock.lock()
        let taken = idle.popLast()
        lock.unlock()
        let e = try taken ?? TiledExecutor(network: load())
        defer { lock.lock(); idle.append(e); lock.unlock() }
        return try body(e)
    }

    private func load() throws -> any Network {
        switch manifest?.format ?? (path.hasSuffix(".param") ? .ncnn : path.hasSuffix(".onnx") ? .onnx : .safetensors) {
        case .ncnn: return try NCNNModel(param: path, bin: manifest?.files["weights"], threads: threads)
        case .onnx: return try LayerGraph(onnx: path, threads: threads)
        case .safetensors:
            let name = manifest?.architecture ?? ""
            guard let arch = Architecture(rawValue: name) else {
                throw PluginError(path: manifest?.manifestPath ?? path, reason: .invalid,
                                  "architecture '\(name)' is not one restore builds (\(Architecture.allCases.map(\.rawValue).joined(separator: ", "))); a bare .safetensors needs a plugin.yaml naming it")
            }
            return try LayerGraph(safetensors: path, architecture: arch, threads: threads)
        }
    }

    /// Geometry of the network as a stage.
    func geometry() throws -> StageGeometry {
        let g = try tiled().geometry
        return StageGeometry(scale: g.scale, halo: g.radius.isFinite ? Int(g.radius.rounded(.up)) : Int.max)
    }

    /// Planes the network takes beyond its colour channels (a non-blind denoiser's noise
    /// level: 1 for one σ plane, 3 for a noise map per channel).
    func extraPlaneCount() throws -> Int {
        let g = try tiled().geometry
        return g.inChannels - g.outChannels
    }

    /// Runs the network on `image` (already in the network's encoding, 1 or 3 colour
    /// channels), with `extraPlanes(peak)` appended (`peak`: what the network's input was
    /// divided by, 1 when nothing was; a noise level scales with it), and resamples the result to
    /// `scale` when given (Lanczos-3, as Real-ESRGAN's `--outscale`). Networks see 0…1: images
    /// with values above 1 go through `HighlightShaper` (divided by their peak with the extra
    /// planes' values, and back), negatives go around the network, NaN reads as 0; the output is clipped to the network's 0…1 before
    /// the shaper's inverse; alpha is resized on its own with Lanczos-3;
    /// the metadata is kept, its resolution scaled so the physical size stays the same.
    func run(on image: inout Image, extraPlanes: (_ peak: Float) -> ExtraPlanes = { _ in .none }, scale: Int?, label: String,
             context: StageContext) throws {
        let executor = try tiled()
        let g = executor.geometry
        let colorIn = g.inChannels - extraPlanes(1).count
        guard colorIn == 3 || colorIn == 1, g.outChannels == colorIn else {
            throw NNError(path: executor.network.path, reason: .shape,
                          detail: "\(label) needs a network from \(colorIn) to \(g.outChannels) channels; restore runs RGB→RGB or gray→gray networks")
        }
        guard image.colorChannels == colorIn || (image.colorChannels == 1 && colorIn == 3) else {
            throw OptionError(path: executor.network.path, "\(label): a \(colorIn)-channel network cannot process a \(image.colorChannels)-channel image")
        }
        let (n, width, height, channels) = (image.planeSize, image.width, image.height, image.colorChannels)
        let alpha: [Float]? = image.hasAlpha ? Array(image.samples[(channels * n)...]) : nil
        var data: [Float]
        if channels == colorIn {
            // Take the image's buffer rather than copy it (a frame-sized saving): the image is
            // rebuilt from the result below.
            data = image.samples
            image.samples = []
            if alpha != nil { data.removeLast(n) }
        } else {  // a gray image for an RGB network: its plane three times
            data = []; data.reserveCapacity(colorIn * n)
            for _ in 0..<colorIn { data += image.samples[0..<n] }
        }
        // Scene-linear frames through the shaper and back; negatives around the network.
        let shaper = data.withUnsafeBufferPointer { HighlightShaper(samples: $0) }
        var negatives: [Float]? = nil
        if data.contains(where: { $0 < 0 }) { negatives = data.map { Swift.min($0, 0) } }
        for i in data.indices {
            let v = data[i].isNaN ? 0 : Swift.max(data[i], 0)  // NaN → 0; negatives are in `negatives`
            data[i] = shaper.map { $0.forward(v) } ?? Swift.min(v, 1)
        }
        var tiling = TilingOptions()
        tiling.tile = context.tile
        tiling.memoryBudget = context.memoryBudget
        tiling.threads = context.threads
        tiling.cancellation = context.cancellation
        let input = Tensor(c: colorIn, h: height, w: width, data: data)
        data = []
        let planes = extraPlanes(shaper?.peak ?? 1)
        var result = try withIdleCopy { try $0.run(input, extraPlanes: planes, options: tiling, progress: context.progress) }
        for i in result.data.indices {
            let v = result.data[i].isNaN ? 0 : Swift.min(Swift.max(result.data[i], 0), 1)
            result.data[i] = shaper.map { $0.inverse(v) } ?? v
        }

        let s = scale ?? g.scale
        let (ow, oh) = (width * s, height * s)
        let (rw, rh) = (result.w, result.h)
        var color = result.data
        result.data = []  // one owner, so appending alpha below does not copy the frame
        if rw != ow || rh != oh {
            color = Resample.lanczos3(color, planes: colorIn, width: rw, height: rh, newWidth: ow, newHeight: oh,
                                      clampRange: 0...(shaper?.peak ?? 1), threads: context.threads)
        }
        if var negatives {
            if (ow, oh) != (width, height) {
                negatives = Resample.lanczos3(negatives, planes: colorIn, width: width, height: height, newWidth: ow, newHeight: oh,
                                              clampRange: -Float.greatestFiniteMagnitude...0, threads: context.threads)
            }
            for i in color.indices { color[i] += negatives[i] }
        }
        if channels == 1 && colorIn == 3 {  // the network saw three equal channels: their mean
            let m = ow * oh
            var gray = [Float](repeating: 0, count: m)
            for i in 0..<m { gray[i] = (color[i] + color[m + i] + color[2 * m + i]) / 3 }
            color = gray
        }
        var metadata = image.metadata
        if let r = metadata.resolution {
            metadata.resolution?.x = r.x * Double(ow) / Double(width)
            metadata.resolution?.y = r.y * Double(oh) / Double(height)
        }
        if ow != width, ow % width == 0 { metadata.window = metadata.window?.scaled(by: ow / width) }
        if let alpha {
            color += (ow, oh) == (width, height) ? alpha
                : Resample.lanczos3(alpha, planes: 1, width: width, height: height, newWidth: ow, newHeight: oh,
                                    clampRange: 0...1, threads: context.threads)
        }
        image = Image(width: ow, height: oh, colorChannels: channels, hasAlpha: alpha != nil, samples: color, metadata: metadata)
    }
}
