import RestoreCore

/// A layer of the graph. `forward` is the reference implementation — plain Swift, obviously
/// correct, the living definition every backend is tested against — and `infer` its shape
/// inference; both live in the op's file under `Ops/`.
public protocol Layer: Sendable {
    var spec: LayerSpec { get }
    func forward(_ inputs: [Tensor]) throws(NNError) -> [Tensor]
    /// Shapes and receptive fields of the outputs, for planning, without computing anything.
    func infer(_ inputs: [BlobInfo]) throws(NNError) -> [BlobInfo]
    /// True when `forward` also takes tensors in the blocked layout (a fast backend's, between
    /// its layers), so the graph need not convert them to plain CHW first.
    var acceptsBlocked: Bool { get }
}

extension Layer {
    public var acceptsBlocked: Bool { false }

    func shapeError(_ what: String) -> NNError {
        NNError(path: nil, reason: .shape, line: spec.location.unit == .line ? spec.location.index : nil, detail: "\(spec.label): \(what)")
    }
}

/// An op of the table: a layer built from a `LayerSpec` by a validating initialiser, which
/// checks every parameter (ranges, counts, weight sizes against the declared shapes) so that
/// no value from a model file can trap, overflow or allocate without bound later.
protocol Op: Layer {
    /// The names importers give it (the first is the op's own).
    static var names: [String] { get }
    /// How many input blobs it takes.
    static var arity: ClosedRange<Int> { get }
    init(_ spec: LayerSpec) throws(NNError)
}

/// The op table every importer (ncnn, ONNX, safetensors) builds its layers from. Adding an
/// op is one file in `Ops/` and one line here.
enum Ops {
    static let table: [any Op.Type] = [
        PassLayer.self, ConvolutionLayer.self, DeconvolutionLayer.self, PReLULayer.self, PixelShuffleLayer.self,
        InterpLayer.self, BinaryOpLayer.self, EltwiseLayer.self, ConcatLayer.self, CropLayer.self,
        GlobalAveragePoolLayer.self, InnerProductLayer.self, ScaleLayer.self, ActivationLayer.self, PadLayer.self, SliceLayer.self,
    ]

    /// The layer `spec` describes; an unknown op fails naming the op, the node and the file.
    static func build(_ spec: LayerSpec) throws(NNError) -> any Layer {
        guard let op = table.first(where: { $0.names.contains(spec.op) }) else {
            throw NNError(path: spec.location.file, reason: .unsupportedLayer, line: spec.location.unit == .line ? spec.location.index : nil,
                          detail: "\(spec.label): op '\(spec.op)' is not one restore runs (ops: \(table.map { $0.names[0] }.joined(separator: ", ")))")
        }
        guard op.arity.contains(spec.inputs.count) else {
            throw spec.fail("takes \(op.arity.lowerBound == op.arity.upperBound ? "\(op.arity.lowerBound)" : "\(op.arity.lowerBound)…\(op.arity.upperBound)") inputs, the file gives \(spec.inputs.count)")
        }
        guard !spec.outputs.isEmpty else { throw spec.fail("has no output") }
        return try op.init(spec)
    }
}

/// All inputs in one layout: blocked when any is (and every channel count fills whole blocks
/// where `whole` is asked), else plain.
func sameLayout(_ inputs: [Tensor], whole: Bool = false) -> [Tensor] {
    guard inputs.contains(where: \.blocked) else { return inputs }
    if whole && inputs.contains(where: { $0.c % Tensor.block != 0 }) { return inputs.map(\.plain) }
    return inputs.map(\.toBlocked)
}
