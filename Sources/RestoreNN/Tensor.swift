/// A CHW Float32 tensor (batch 1): `c` planes of `h`×`w`, plane-major — the layout of
/// `Image` samples and of ncnn blobs. A vector (after global pooling) is (c, 1, 1).
public struct Tensor: Sendable, Equatable {
    public var c: Int, h: Int, w: Int
    public var data: [Float]

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

    public subscript(c: Int, y: Int, x: Int) -> Float {
        get { data[(c * h + y) * w + x] }
        set { data[(c * h + y) * w + x] = newValue }
    }
}
