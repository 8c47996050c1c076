/// A CHW Float32 tensor (batch 1): `c` planes of `h`×`w`, plane-major — the layout of
/// `Image` samples and of ncnn blobs. A vector (after global pooling) is (c, 1, 1).
public struct Tensor: Sendable, Equatable {
    public var c: Int, h: Int, w: Int
    public var data: [Float]
    /// True when `data` is in oneDNN's nChw8c layout (channels in blocks of 8, padded) — only
    /// between fast layers; every reference layer sees plain CHW (`plain`).
    var blocked = false

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

    /// A tensor in nChw8c layout (internal to the oneDNN backend).
    init(blockedC c: Int, h: Int, w: Int) {
        self.c = c; self.h = h; self.w = w
        data = [Float](repeating: 0, count: (c + 7) / 8 * 8 * h * w)
        blocked = true
    }

    /// The same values in plain CHW layout.
    var plain: Tensor {
        guard blocked else { return self }
        var out = Tensor(c: c, h: h, w: w)
        let p = h * w
        data.withUnsafeBufferPointer { s in out.data.withUnsafeMutableBufferPointer { d in
            for ch in 0..<c {
                let src = s.baseAddress! + (ch / 8) * p * 8 + ch % 8, dst = d.baseAddress! + ch * p
                for i in 0..<p { dst[i] = src[8 * i] }
            }
        } }
        return out
    }

    /// The same values in nChw8c layout.
    var toBlocked: Tensor {
        if blocked { return self }
        var out = Tensor(blockedC: c, h: h, w: w)
        let p = h * w
        data.withUnsafeBufferPointer { s in out.data.withUnsafeMutableBufferPointer { d in
            for ch in 0..<c {
                let src = s.baseAddress! + ch * p, dst = d.baseAddress! + (ch / 8) * p * 8 + ch % 8
                for i in 0..<p { dst[8 * i] = src[i] }
            }
        } }
        return out
    }

    public subscript(c: Int, y: Int, x: Int) -> Float {
        get { data[(c * h + y) * w + x] }
        set { data[(c * h + y) * w + x] = newValue }
    }
}
