/// A CHW Float32 tensor (batch 1): `c` planes of `h`×`w`, plane-major — the layout of
/// `Image` samples and of ncnn blobs. A vector (after global pooling) is (c, 1, 1).
public struct Tensor: Sendable, Equatable {
    public var c: Int, h: Int, w: Int
    public var data: [Float]
    /// True when `data` is in oneDNN's blocked layout (nChw8c, or nChw16c on AVX-512: channels
    /// in blocks of `Tensor.block`, padded) — only between fast layers; every reference layer
    /// sees plain CHW (`plain`).
    var blocked = false

    /// Channels per block of the blocked layout: 16 where oneDNN runs AVX-512 kernels, else 8.
    static let block: Int = OneDNN.shared.avx512 ? 16 : 8

    public init(c: Int, h: Int, w: Int, data: [Float]) {
        precondition(data.count == c * h * w, "tensor data does not match its shape")
        self.c = c; self.h = h; self.w = w; self.data = data
    }
    public init(c: Int, h: Int, w: Int, value: Float = 0) {
        self.init(c: c, h: h, w: w, data: [Float](repeating: value, count: c * h * w))
    }
    public var plane: Int { h * w }
    public var count: Int { c * h * w }
    public var shape: String { "\(c)x\(h)x\(w)" }

    /// A tensor over `data` in the blocked layout (channels padded to whole blocks).
    init(blockedC c: Int, h: Int, w: Int, data: [Float]) {
        precondition(data.count == (c + Tensor.block - 1) / Tensor.block * Tensor.block * h * w, "blocked tensor data does not match its shape")
        self.c = c; self.h = h; self.w = w; self.data = data
        blocked = true
    }

    /// A tensor in the blocked layout (internal to the oneDNN backend).
    init(blockedC c: Int, h: Int, w: Int) {
        self.c = c; self.h = h; self.w = w
        let b = Tensor.block, count = (c + b - 1) / b * b * h * w
        // Whole blocks are written completely by every producer: skip the zero fill. Padded
        // lanes of a last partial block must read as zero.
        data = c % b == 0 ? [Float](unsafeUninitializedCapacity: count) { _, n in n = count }
                          : [Float](repeating: 0, count: count)
        blocked = true
    }

    /// The same values in plain CHW layout.
    var plain: Tensor {
        guard blocked else { return self }
        var out = Tensor(c: c, h: h, w: w)
        let p = h * w, b = Tensor.block
        data.withUnsafeBufferPointer { s in out.data.withUnsafeMutableBufferPointer { d in
            for ch in 0..<c {
                let src = s.baseAddress! + (ch / b) * p * b + ch % b, dst = d.baseAddress! + ch * p
                for i in 0..<p { dst[i] = src[b * i] }
            }
        } }
        return out
    }

    /// The same values in the blocked layout.
    var toBlocked: Tensor {
        if blocked { return self }
        var out = Tensor(blockedC: c, h: h, w: w)
        let p = h * w, b = Tensor.block
        data.withUnsafeBufferPointer { s in out.data.withUnsafeMutableBufferPointer { d in
            for ch in 0..<c {
                let src = s.baseAddress! + ch * p, dst = d.baseAddress! + (ch / b) * p * b + ch % b
                for i in 0..<p { dst[b * i] = src[i] }
            }
        } }
        return out
    }

    public subscript(c: Int, y: Int, x: Int) -> Float {
        get { data[(c * h + y) * w + x] }
        set { data[(c * h + y) * w + x] = newValue }
    }
}
