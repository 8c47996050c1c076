import RestoreCore

/// A network as a list of layers over named blobs, whichever file it was imported from (ncnn,
/// ONNX, safetensors + architecture), run by a `Backend` that accelerates the layers it can.
public struct LayerGraph: Sendable {
    public let layers: [any Layer]
    /// The blob the graph reads and the one it produces.
    public let inputBlob: String
    public let outputBlob: String
    /// The model file (for messages).
    public let path: String

    /// The backend running it.
    public let backend: any Backend

    /// `layers` are reference layers; `backend` decides which run fast.
    init(layers reference: [any Layer], inputBlob: String, outputBlob: String, path: String, backend: any Backend, threads: Int) {
        layers = backend.accelerate(reference, threads: threads)
        self.backend = backend
        self.inputBlob = inputBlob
        self.outputBlob = outputBlob
        self.path = path
    }

    /// Runs the graph on `input`. Intermediate blobs are released as soon as their last
    /// consumer has run.
    public func run(_ input: Tensor) throws(NNError) -> Tensor {
        try walk(input) { (l: any Layer, ins: [Tensor]) throws(NNError) -> [Tensor] in
            try l.forward(l.acceptsBlocked ? ins : ins.map(\.plain))
        }.plain
    }

    /// The output's shape and receptive field for an input of `input`'s shape, and the peak
    /// bytes of live blobs while running it — without computing anything.
    public func inspect(_ input: BlobInfo) throws(NNError) -> (output: BlobInfo, peakBytes: Int) {
        var live = input.bytes, peak = live
        let out = try walk(input, released: { live -= $0.bytes }) { (l: any Layer, ins: [BlobInfo]) throws(NNError) -> [BlobInfo] in
            let outs = try l.infer(ins)
            let outBytes = outs.reduce(0) { $0 + $1.bytes }, inBytes = ins.reduce(0) { $0 + $1.bytes }
            // Outputs are live alongside the inputs while the layer runs. (Split's outputs share
            // their input's storage until one is written to: counting them overestimates.)
            live += outBytes
            // Transient memory: a layout conversion of the inputs for layers that need plain
            // tensors, and the backend's workspace.
            let transient = (l.acceptsBlocked ? 0 : inBytes) + backend.workspaceBytes(l, inputBytes: inBytes, outputBytes: outBytes)
            peak = Swift.max(peak, live + transient)
            return outs
        }
        return (out, peak)
    }

    /// Visits the layers in order with their input values, keeping each blob until its last
    /// consumer has run (`released` sees it then).
    private func walk<T>(_ input: T, released: (T) -> Void = { _ in },
                         _ step: (any Layer, [T]) throws(NNError) -> [T]) throws(NNError) -> T {
        var remaining: [String: Int] = [:]
        for l in layers { for i in l.spec.inputs { remaining[i, default: 0] += 1 } }
        var blobs: [String: T] = [inputBlob: input]
        for l in layers where l.spec.op != "Input" {
            var ins: [T] = []
            for name in l.spec.inputs {
                guard let t = blobs[name] else {
                    throw NNError(path: path, reason: .syntax, line: l.spec.location.unit == .line ? l.spec.location.index : nil, detail: "\(l.spec.label): blob '\(name)' is not produced before use")
                }
                ins.append(t)
                remaining[name, default: 1] -= 1
                if remaining[name] == 0 { blobs[name] = nil; released(t) }
            }
            let outs: [T]
            do { outs = try step(l, ins) } catch { var e = error; if e.path == nil { e.path = path }; throw e }
            for (name, t) in zip(l.spec.outputs, outs) { blobs[name] = t }
        }
        guard let out = blobs[outputBlob] else { throw NNError(path: path, reason: .syntax, detail: "output blob '\(outputBlob)' was not produced") }
        return out
    }
}
