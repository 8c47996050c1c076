import Foundation

/// What planning needs to know about a blob without computing it: its shape, how many of its
/// pixels correspond to one model-input pixel, and how far (in model-input pixels) an output
/// pixel can see.
public struct BlobInfo: Sendable, Equatable {
    public var c: Int, h: Int, w: Int
    /// Blob pixels per model-input pixel (4 after a ×4 upsampler, ½ after a stride-2 layer).
    public var scale: Double
    /// Receptive-field radius in model-input pixels; `.infinity` after a global op.
    public var radius: Double

    public init(c: Int, h: Int, w: Int, scale: Double = 1, radius: Double = 0) {
        self.c = c; self.h = h; self.w = w; self.scale = scale; self.radius = radius
    }
    public var shape: String { "\(c)x\(h)x\(w)" }
    /// Bytes a blob takes at run time (channels padded to the blocked layout's block).
    var bytes: Int { (c + Tensor.block - 1) / Tensor.block * Tensor.block * h * w * MemoryLayout<Float>.size }

    func with(c: Int? = nil, h: Int? = nil, w: Int? = nil, scale: Double? = nil, grow: Double = 0) -> BlobInfo {
        BlobInfo(c: c ?? self.c, h: h ?? self.h, w: w ?? self.w, scale: scale ?? self.scale, radius: radius + grow / self.scale)
    }
    /// The widest field of several inputs.
    static func merged(_ inputs: [BlobInfo], c: Int? = nil) -> BlobInfo {
        var out = inputs[0]
        out.radius = inputs.map(\.radius).max() ?? 0
        if let c { out.c = c }
        return out
    }
}
