import Foundation
import RestoreCore

/// A `.safetensors` file: an 8-byte little-endian header length, a JSON header naming each
/// tensor's dtype, shape and byte range, then the data. F32, F16 and BF16 are read (as Float).
struct SafetensorsFile {
    struct Entry { let shape: [Int]; let values: [Float] }
    let path: String
    let tensors: [String: Entry]
    /// The header's `__metadata__` strings.
    let metadata: [String: String]

    init(path: String) throws(NNError) {
        self.path = path
        let bytes: [UInt8]
        switch FileBytes.read(path, limit: 2 << 30) {
        case .success(let b): bytes = b
        case .failure(let f): throw NNError(path: path, reason: .unreadable, detail: f.reason)
        }
        func bad(_ what: String) -> NNError { NNError(path: path, reason: .badWeights, detail: what) }
        guard bytes.count >= 8 else { throw bad("shorter than the 8-byte header length: not a safetensors file") }
        let n64 = (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[$1]) << (8 * UInt64($1)) }
        guard n64 > 1, n64 <= UInt64(bytes.count - 8) else { throw bad("its header length does not fit the \(bytes.count)-byte file: not a safetensors file") }
        let n = Int(n64)
        guard let header = try? JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + n)])) as? [String: Any] else {
            throw bad("the header is not a JSON object")
        }
        let data = 8 + n
        var tensors: [String: Entry] = [:]
        for (name, value) in header where name != "__metadata__" {
            guard let d = value as? [String: Any], let dtype = d["dtype"] as? String, let shape = d["shape"] as? [Int],
                  let range = d["data_offsets"] as? [Int], range.count == 2 else { throw bad("tensor '\(name)': malformed header entry") }
            let width = ["F32": 4, "F16": 2, "BF16": 2][dtype]
            guard let width else { throw bad("tensor '\(name)': dtype \(dtype) (F32, F16 and BF16 are read)") }
            var count = 1
            for d in shape {
                let (p, overflow) = count.multipliedReportingOverflow(by: d)
                guard d >= 0, !overflow, p <= bytes.count else { throw bad("tensor '\(name)': shape \(shape) does not fit the file") }
                count = p
            }
            guard range[0] >= 0, range[1] >= range[0], range[1] <= bytes.count - data else {
                throw bad("tensor '\(name)': bytes \(range[0])…\(range[1]) lie outside the file")
            }
            let start = data + range[0], end = data + range[1]
            guard end - start == count * width else {
                throw bad("tensor '\(name)': bytes \(range[0])…\(range[1]) do not hold \(shape) \(dtype) inside the file")
            }
            let values: [Float] = (0..<count).map { i in
                let o = start + i * width
                switch dtype {
                case "F32": return Float(bitPattern: UInt32(bytes[o]) | UInt32(bytes[o + 1]) << 8 | UInt32(bytes[o + 2]) << 16 | UInt32(bytes[o + 3]) << 24)
                case "F16": return Float(Float16(bitPattern: UInt16(bytes[o]) | UInt16(bytes[o + 1]) << 8))
                default: return Float(bitPattern: (UInt32(bytes[o]) | UInt32(bytes[o + 1]) << 8) << 16)
                }
            }
            tensors[name] = Entry(shape: shape, values: values)
        }
        self.tensors = tensors
        metadata = (header["__metadata__"] as? [String: Any])?.compactMapValues { $0 as? String } ?? [:]
    }

    /// The tensor `name`, which must have `rank` dimensions.
    func tensor(_ name: String, rank: Int? = nil) throws(NNError) -> Entry {
        guard let t = tensors[name] else { throw NNError(path: path, reason: .badWeights, detail: "no tensor '\(name)' (the architecture needs it)") }
        if let rank, t.shape.count != rank { throw NNError(path: path, reason: .badWeights, detail: "tensor '\(name)' has shape \(t.shape), expected \(rank) dimensions") }
        return t
    }
}

/// The architectures our own `.safetensors` weights fill (the manifest's `architecture`).
/// Their PyTorch definitions are in Training/restore_training/models.py; sizes (features,
/// depth, scale, channels) are read from the weight shapes.
public enum Architecture: String, Sendable, CaseIterable {
    /// SRVGGNetCompact: conv + PReLU blocks, pixel shuffle, plus the nearest-upsampled input.
    case srvgg
    /// ESPCN: conv 5×5, ReLU, conv 3×3, ReLU, conv 3×3, pixel shuffle.
    case espcn
    /// DnCNN: conv + ReLU blocks predicting the noise, subtracted from the input's colour
    /// channels; an extra input channel is a noise-level plane (non-blind, FFDNet-style).
    case dncnn
    /// A residual U-Net (DRUNet-style): head conv; per level residual blocks (conv, ReLU,
    /// conv, plus the input), 2×2 stride-2 convolutions down and transposed convolutions up,
    /// skips added; a tail conv predicting the noise, subtracted from the colour channels.
    /// Sides must be multiples of 2^(levels − 1) (the tiler pads to them).
    case unet
    /// restore's grading predictor (`GradePredictor`): 3×3 stride-2 convolutions with
    /// LeakyReLU 0.1, a global average, two fully connected layers. Not an image-to-image
    /// network: its output is one vector, the grade's parameters.
    case gradeLUT = "grade-lut"
}

extension LayerGraph {
    /// Builds `architecture` from the weights in `path`.
    public init(safetensors path: String, architecture: Architecture, backend: BackendChoice = .best,
                threads: Int = Parallelism.defaultThreads) throws(NNError) {
        let file = try SafetensorsFile(path: path)
        var layers: [any Layer] = []
        var line = 0
        func here() -> SourceLocation { line += 1; return SourceLocation(file: path, index: line, unit: .layer) }
        /// Adds the op `op` (built by the op table, as for every importer).
        func add(_ op: String, _ name: String, _ inputs: [String], _ output: String, _ params: [String: LayerParam] = [:],
                 tensors: [String: [Float]] = [:]) throws(NNError) {
            layers.append(try Ops.build(LayerSpec(op: op, name: name, inputs: inputs, outputs: [output], params: params,
                                                  tensors: tensors, location: here())))
        }
        /// A same-padded convolution (`padded`, with any `stride`), or an unpadded stride ×
        /// stride one (a U-Net's way down); returns its output channels.
        @discardableResult
        func conv(_ key: String, _ input: String, _ output: String, activation: Activation = .none, stride: Int = 1,
                  padded: Bool? = nil) throws(NNError) -> Int {
            let w = try file.tensor(key + ".weight", rank: 4), b = try file.tensor(key + ".bias", rank: 1)
            let (outC, kh, kw) = (w.shape[0], w.shape[2], w.shape[3])
            let same = padded ?? (stride == 1)
            let fits = same ? kh % 2 == 1 && kw % 2 == 1 : kh == stride && kw == stride
            guard b.shape == [outC], fits else {
                let what = same ? "a same-padded convolution" : "a \(stride)×\(stride) stride-\(stride) convolution"
                throw NNError(path: path, reason: .badWeights, detail: "'\(key)': weights \(w.shape) and bias \(b.shape) are not \(what)")
            }
            let p = same ? (kw / 2, kh / 2) : (0, 0)
            let g = ConvGeometry(outC: outC, kw: kw, kh: kh, dw: 1, dh: 1, sw: stride, sh: stride, padL: p.0, padR: p.0, padT: p.1, padB: p.1,
                                 weights: w.values, bias: b.values, activation: activation)
            layers.append(try Ops.build(g.spec(op: "Convolution", name: key, inputs: [input], outputs: [output], location: here())))
            return outC
        }
        /// A stride × stride transposed convolution with a stride × stride kernel (a U-Net's way up).
        func deconv(_ key: String, _ input: String, _ output: String, stride: Int) throws(NNError) {
            let w = try file.tensor(key + ".weight", rank: 4), b = try file.tensor(key + ".bias", rank: 1)
            let (inC, outC, kh, kw) = (w.shape[0], w.shape[1], w.shape[2], w.shape[3])
            guard b.shape == [outC], kh == stride, kw == stride else {
                throw NNError(path: path, reason: .badWeights, detail: "'\(key)': weights \(w.shape) and bias \(b.shape) are not a \(stride)×\(stride) stride-\(stride) transposed convolution")
            }
            let g = ConvGeometry(outC: outC, kw: kw, kh: kh, dw: 1, dh: 1, sw: stride, sh: stride, padL: 0, padR: 0, padT: 0, padB: 0,
                                 weights: ConvGeometry.transposedWeights(w.values, inC: inC, outC: outC, taps: kh * kw),
                                 bias: b.values, activation: .none)
            layers.append(try Ops.build(g.spec(op: "Deconvolution", name: key, inputs: [input], outputs: [output], location: here())))
        }
        /// Residual blocks `prefix`.0, .1, … (c1, ReLU, c2, plus the block's input); returns the last blob.
        func resBlocks(_ prefix: String, _ input: String) throws(NNError) -> String {
            var blob = input, j = 0
            while file.tensors["\(prefix).\(j).c1.weight"] != nil {
                let key = "\(prefix).\(j)"
                try conv(key + ".c1", blob, key + ".c1", activation: .relu)
                try conv(key + ".c2", key + ".c1", key + ".c2")
                try add("BinaryOp", key, [blob, key + ".c2"], key, ["operation": .string("add")])
                blob = key; j += 1
            }
            return blob
        }
        /// output = the input's first `outC` channels − `noise` (the residual denoisers).
        func subtractNoise(_ noise: String, outC: Int, inC: Int) throws(NNError) {
            guard outC <= inC else { throw NNError(path: path, reason: .badWeights, detail: "the last convolution has \(outC) channels for a \(inC)-channel input") }
            var image = "input"
            if outC < inC {
                try add("Slice", "colour", ["input"], "colour", ["channels": .ints([0, outC])])
                image = "colour"
            }
            try add("BinaryOp", "residual", [image, noise], "output", ["operation": .string("sub")])
        }
        func convKeys() -> [Int] {
            file.tensors.keys.compactMap { k -> Int? in
                guard k.hasPrefix("body."), k.hasSuffix(".weight"), file.tensors[k]!.shape.count == 4 else { return nil }
                return Int(k.dropFirst(5).dropLast(7))
            }.sorted()
        }
        try add("Input", "input", [], "input")
        let inC: Int
        switch architecture {
        case .srvgg:
            let convs = convKeys()
            guard let first = convs.first, let last = convs.last else { throw NNError(path: path, reason: .badWeights, detail: "no body.N.weight convolutions") }
            inC = try file.tensor("body.\(first).weight", rank: 4).shape[1]
            guard inC > 0 else { throw NNError(path: path, reason: .badWeights, detail: "'body.\(first).weight' takes 0 input channels") }
            var blob = "input"
            for k in convs {
                let out = try conv("body.\(k)", blob, "c\(k)")
                blob = "c\(k)"
                if k != last {
                    let slopes = try file.tensor("body.\(k + 1).weight")
                    guard slopes.values.count == out else { throw NNError(path: path, reason: .badWeights, detail: "'body.\(k + 1).weight': \(slopes.values.count) PReLU slopes for \(out) channels") }
                    try add("PReLU", "body.\(k + 1)", [blob], "a\(k)", tensors: ["slopes": slopes.values])
                    blob = "a\(k)"
                }
            }
            let outC = try file.tensor("body.\(last).weight").shape[0]
            let r = Int(Double(outC / inC).squareRoot())
            guard r * r * inC == outC else { throw NNError(path: path, reason: .badWeights, detail: "the last convolution's \(outC) channels are not \(inC)·scale²") }
            try add("PixelShuffle", "upsampler", [blob], "shuffled", ["factor": .int(r)])
            try add("Interp", "base", ["input"], "base", ["mode": .string("nearest"), "scale": .floats([Float(r), Float(r)])])
            try add("BinaryOp", "add", ["shuffled", "base"], "output", ["operation": .string("add")])
        case .espcn:
            inC = try file.tensor("c1.weight", rank: 4).shape[1]
            guard inC > 0 else { throw NNError(path: path, reason: .badWeights, detail: "'c1.weight' takes 0 input channels") }
            try conv("c1", "input", "c1", activation: .relu)
            try conv("c2", "c1", "c2", activation: .relu)
            let outC = try conv("c3", "c2", "c3")
            let r = Int(Double(outC / inC).squareRoot())
            guard r * r * inC == outC else { throw NNError(path: path, reason: .badWeights, detail: "c3's \(outC) channels are not \(inC)·scale²") }
            try add("PixelShuffle", "shuffle", ["c3"], "output", ["factor": .int(r)])
        case .dncnn:
            let convs = convKeys()
            guard let first = convs.first, let last = convs.last else { throw NNError(path: path, reason: .badWeights, detail: "no body.N.weight convolutions") }
            inC = try file.tensor("body.\(first).weight", rank: 4).shape[1]
            var blob = "input", outC = 0
            for k in convs {
                outC = try conv("body.\(k)", blob, "c\(k)", activation: k == last ? .none : .relu)
                blob = "c\(k)"
            }
            try subtractNoise(blob, outC: outC, inC: inC)
        case .unet:
            inC = try file.tensor("head.weight", rank: 4).shape[1]
            try conv("head", "input", "head")
            var levels = 0
            while file.tensors["down.\(levels).weight"] != nil { levels += 1 }
            var blob = "head", skips: [String] = []
            for i in 0..<levels {
                skips.append(try resBlocks("enc.\(i)", blob))
                try conv("down.\(i)", skips[i], "down.\(i)", stride: 2)
                blob = "down.\(i)"
            }
            blob = try resBlocks("bottom", blob)
            for i in (0..<levels).reversed() {
                try deconv("up.\(i)", blob, "up.\(i)", stride: 2)
                try add("BinaryOp", "skip.\(i)", ["up.\(i)", skips[i]], "skip.\(i)", ["operation": .string("add")])
                blob = try resBlocks("dec.\(i)", "skip.\(i)")
            }
            let outC = try conv("tail", blob, "tail")
            try subtractNoise("tail", outC: outC, inC: inC)
        case .gradeLUT:
            let convs = convKeys()
            guard let first = convs.first else { throw NNError(path: path, reason: .badWeights, detail: "no body.N.weight convolutions") }
            inC = try file.tensor("body.\(first).weight", rank: 4).shape[1]
            // The body: 3×3 stride-2 convolutions, or with the metadata `body: pointwise`, 1×1
            // stride-1 ones (a function of the thumbnail's colours, not of where they are).
            let body = file.metadata["body"]
            guard body == nil || body == "pointwise" else {
                throw NNError(path: path, reason: .badWeights, detail: "metadata 'body' must be 'pointwise' or absent, got '\(body!)'")
            }
            let kernel = body == nil ? 3 : 1
            var blob = "input"
            for k in convs {
                let shape = try file.tensor("body.\(k).weight", rank: 4).shape
                guard shape[2] == kernel, shape[3] == kernel else {
                    throw NNError(path: path, reason: .badWeights, detail: "'body.\(k).weight' has shape \(shape): not a \(kernel)×\(kernel) convolution, "
                                  + (body == nil ? "as a body without the metadata 'body: pointwise' has" : "as 'body: pointwise' says"))
                }
                try conv("body.\(k)", blob, "c\(k)", activation: .leaky(0.1), stride: kernel == 1 ? 1 : 2, padded: true)
                blob = "c\(k)"
            }
            try add("GlobalAveragePool", "pool", [blob], "pool")
            for (key, input, output, act) in [("fc1", "pool", "fc1", Activation.leaky(0.1)), ("fc2", "fc1", "output", .none)] {
                let w = try file.tensor(key + ".weight", rank: 2), b = try file.tensor(key + ".bias", rank: 1)
                guard b.shape == [w.shape[0]] else {
                    throw NNError(path: path, reason: .badWeights, detail: "'\(key)': weights \(w.shape) and bias \(b.shape) are not a linear layer")
                }
                try add("InnerProduct", key, [input], output, ["num_output": .int(w.shape[0])].merging(act.params) { a, _ in a },
                        tensors: ["weight": w.values, "bias": b.values])
            }
        }
        self.init(layers: layers, inputBlob: "input", outputBlob: "output", path: path, backend: backend.backend, threads: threads)
    }
}
