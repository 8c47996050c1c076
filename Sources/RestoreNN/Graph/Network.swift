/// A runnable image-to-image network, whatever file it came from.
public protocol Network: Sendable {
    /// The model file (for messages).
    var path: String { get }
    /// Runs the network on one CHW tensor.
    func run(_ input: Tensor) throws(NNError) -> Tensor
    /// The output's shape and receptive field for an input shape, and the peak bytes of live
    /// blobs while running it, without computing anything.
    func inspect(_ input: BlobInfo) throws(NNError) -> (output: BlobInfo, peakBytes: Int)
}

extension LayerGraph: Network {}

/// How a fully convolutional network maps input pixels to output pixels, found by shape
/// inference on a range of probe sizes (so it holds for any importer).
public struct ModelGeometry: Sendable, Equatable {
    public var inChannels: Int
    public var outChannels: Int
    /// Output pixels per input pixel (1 for denoisers).
    public var scale: Int
    /// Input pixels consumed at each border by unpadded convolutions (waifu2x): an L-pixel
    /// input yields (L − 2·shrink)·scale output pixels. 0 for networks that zero-pad.
    public var shrink: Int
    /// Accepted input sizes: L ≡ `offset` (mod `alignment`), L ≥ `minimumInput` (a U-Net
    /// with two 2× poolings needs multiples of 4, say).
    public var alignment: Int, offset: Int, minimumInput: Int
    /// Receptive-field radius in input pixels (`.infinity` with global ops).
    public var radius: Double
    /// Peak working memory per input pixel, in bytes.
    public var bytesPerPixel: Double

    /// The smallest accepted input size ≥ `length`.
    public func acceptedSize(atLeast length: Int) -> Int {
        var l = Swift.max(length, minimumInput)
        l += ((offset - l) % alignment + alignment) % alignment
        return l
    }
}

extension Network {
    /// Probes square inputs of 64…79 pixels with 1…8 channels to find the geometry.
    public func geometry() throws(NNError) -> ModelGeometry {
        var firstError: NNError?
        for c in [3, 1, 4, 2, 5, 6, 7, 8] {
            var valid: [(size: Int, out: BlobInfo, peak: Int)] = []
            for s in 64..<80 {
                do {
                    let (o, peak) = try inspect(BlobInfo(c: c, h: s, w: s))
                    valid.append((s, o, peak))
                } catch { if firstError == nil { firstError = error } }
            }
            guard valid.count >= 2 else { continue }
            // The smallest step (and phase) over which every size maps to (L − 2·shrink)·scale:
            // shape inference alone accepts sizes that pooling then floors away.
            var found: (alignment: Int, scale: Int, shrink: Int, first: (size: Int, out: BlobInfo, peak: Int))?
            search: for alignment in [1, 2, 4, 8] { for phase in 0..<alignment {
                // Every size of the class must run (a U-Net refuses the others outright).
                let sizes = valid.filter { $0.size % alignment == phase }
                guard sizes.count >= 2, sizes.count == (64..<80).count(where: { $0 % alignment == phase }) else { continue }
                let (a, b) = (sizes[0], sizes[1])
                let step = b.out.h - a.out.h
                guard step > 0, step % (b.size - a.size) == 0 else { continue }
                let scale = step / (b.size - a.size)
                guard a.out.h % scale == 0, (a.size - a.out.h / scale) % 2 == 0 else { continue }
                let shrink = (a.size - a.out.h / scale) / 2
                if sizes.allSatisfy({ $0.out.h == ($0.size - 2 * shrink) * scale && $0.out.w == $0.out.h }) {
                    found = (alignment, scale, shrink, a)
                    break search
                }
            } }
            guard let (alignment, scale, shrink, a) = found else {
                throw NNError(path: path, reason: .shape, detail: "inputs of 64…79 pixels give outputs \(valid.map { "\($0.size)→\($0.out.h)" }.joined(separator: " ")): not a centred, fully convolutional image-to-image network")
            }
            var minimum = a.size
            while minimum - alignment > 2 * shrink, (try? inspect(BlobInfo(c: c, h: minimum - alignment, w: minimum - alignment))) != nil {
                minimum -= alignment
            }
            let last = valid[valid.count - 1]
            return ModelGeometry(inChannels: c, outChannels: a.out.c, scale: scale, shrink: shrink,
                                 alignment: alignment, offset: a.size % alignment, minimumInput: minimum,
                                 radius: a.out.radius, bytesPerPixel: Double(last.peak) / Double(last.size * last.size))
        }
        throw firstError ?? NNError(path: path, reason: .shape, detail: "no input size from 64 to 79 pixels fits the network")
    }
}

private func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
