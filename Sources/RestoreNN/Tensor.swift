import RestoreCore

/// A CHW Float32 tensor (batch 1): `c` planes of `h`×`w`, plane-major — the layout of
/// `Image` samples and of ncnn blobs. A vector (after global pooling) is (c, 1, 1).
public struct Tensor: Sendable, Equatable {
    public var c: Int, h: Int, w: Int
    public var data: [Float]
    /// True when `data` is in the blocked layout (channels in blocks of `Tensor.block` lanes,
    /// the last block padded: nChw8c / nChw16c) — only between a fast backend's layers; every
    /// reference layer that does not say it accepts blocked tensors sees plain CHW (`plain`).
    var blocked = false

    /// Channels per block of the blocked layout: 16 on AVX-512 processors (one 512-bit vector
    /// of lanes), else 8. A fast backend exchanges tensors in this layout.
    static let block: Int = CPUFeatures.avx512 ? 16 : 8

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
