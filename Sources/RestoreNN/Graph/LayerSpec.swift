/// Where a layer came from, for messages: the model file and the line (ncnn `.param`), the
/// node number (ONNX, 1-based) or the position in an architecture (safetensors).
public struct SourceLocation: Sendable, Equatable, CustomStringConvertible {
    public enum Unit: String, Sendable { case line, node, layer }
    public var file: String?
    public var index: Int?
    public var unit: Unit
    public init(file: String?, index: Int?, unit: Unit = .line) { self.file = file; self.index = index; self.unit = unit }
    public var description: String { index.map { "\(unit.rawValue) \($0)" } ?? "" }
}

/// A typed parameter of a layer.
public enum LayerParam: Sendable, Equatable {
    case int(Int), ints([Int]), float(Float), floats([Float]), string(String)
}

/// One layer as every importer describes it, whatever the file format: the op's name in our
/// op table, the node's name, its input and output blobs, typed parameters, weight tensors
/// and where it came from. An op's validating initialiser reads it (`Ops.build`).
///
/// Parameter names are ours (`num_output`, `kernel` [h, w], `stride`, `pads` [top, left,
/// bottom, right], …), documented on each op; tensors are float32 in the op's own layout.
public struct LayerSpec: Sendable, Equatable {
    public var op: String
    public var name: String
    public var inputs: [String]
    public var outputs: [String]
    public var params: [String: LayerParam]
    public var tensors: [String: [Float]]
    public var location: SourceLocation

    public init(op: String, name: String, inputs: [String], outputs: [String], params: [String: LayerParam] = [:],
                tensors: [String: [Float]] = [:], location: SourceLocation) {
        self.op = op; self.name = name; self.inputs = inputs; self.outputs = outputs
        self.params = params; self.tensors = tensors; self.location = location
    }

    /// "Convolution 'conv1'" for messages.
    public var label: String { "\(op) '\(name)'" + (location.unit == .line || location.index == nil ? "" : " (\(location))") }

    /// An error about this layer, naming it, its file and its line.
    func fail(_ what: String, reason: NNError.Reason = .syntax) -> NNError {
        NNError(path: location.file, reason: reason, line: location.unit == .line ? location.index : nil, detail: "\(label): \(what)")
    }

    // MARK: Checked parameters (every number from a file passes through here)

    func int(_ key: String, in range: ClosedRange<Int>, default fallback: Int? = nil) throws(NNError) -> Int {
        switch params[key] {
        case .int(let v)?:
            guard range.contains(v) else { throw fail("\(key) must be within \(range.lowerBound)…\(range.upperBound), got \(v)") }
            return v
        case nil:
            guard let fallback else { throw fail("needs the parameter \(key)") }
            return fallback
        default: throw fail("\(key) must be an integer")
        }
    }

    func ints(_ key: String, count: Int, in range: ClosedRange<Int>, default fallback: [Int]) throws(NNError) -> [Int] {
        let v: [Int]
        switch params[key] {
        case .ints(let a)?: v = a
        case .int(let a)?: v = Array(repeating: a, count: count)
        case nil: v = fallback
        default: throw fail("\(key) must be integers")
        }
        guard v.count == count else { throw fail("\(key) must have \(count) values, got \(v.count)") }
        for x in v where !range.contains(x) { throw fail("\(key) must be within \(range.lowerBound)…\(range.upperBound), got \(v)") }
        return v
    }

    func float(_ key: String, in range: ClosedRange<Float> = -Float.greatestFiniteMagnitude...Float.greatestFiniteMagnitude,
               default fallback: Float) throws(NNError) -> Float {
        let v: Float
        switch params[key] {
        case .float(let f)?: v = f
        case .int(let i)?: v = Float(i)
        case nil: return fallback
        default: throw fail("\(key) must be a number")
        }
        guard v.isFinite, range.contains(v) else { throw fail("\(key) must be a finite number within \(range.lowerBound)…\(range.upperBound), got \(v)") }
        return v
    }

    func floats(_ key: String) throws(NNError) -> [Float] {
        switch params[key] {
        case .floats(let a)?:
            for v in a where !v.isFinite { throw fail("\(key) holds a non-finite value") }
            return a
        case nil: return []
        default: throw fail("\(key) must be numbers")
        }
    }

    func string(_ key: String, default fallback: String) throws(NNError) -> String {
        switch params[key] {
        case .string(let s)?: return s
        case nil: return fallback
        default: throw fail("\(key) must be a name")
        }
    }

    /// A weight tensor; with `count`, it must hold exactly that many values.
    func tensor(_ key: String, count: Int? = nil) throws(NNError) -> [Float] {
        guard let t = tensors[key] else { throw fail("needs the weight tensor \(key)", reason: .badWeights) }
        if let count, t.count != count { throw fail("\(key) has \(t.count) values, the layer needs \(count)", reason: .badWeights) }
        return t
    }

    /// The fused activation (`activation`: none, relu, leaky, clip, sigmoid, mish, hardswish;
    /// its numbers in `activation_params`).
    func activation() throws(NNError) -> Activation {
        let p = try floats("activation_params")
        func at(_ i: Int, _ d: Float) -> Float { i < p.count ? p[i] : d }
        switch try string("activation", default: "none") {
        case "none": return .none
        case "relu": return .relu
        case "leaky": return .leaky(at(0, 0))
        case "clip": return .clip(at(0, -Float.greatestFiniteMagnitude), at(1, Float.greatestFiniteMagnitude))
        case "sigmoid": return .sigmoid
        case "mish": return .mish
        case "hardswish": return .hardswish(at(0, 0.2), at(1, 0.5))
        case let other: throw fail("activation '\(other)'", reason: .unsupportedLayer)
        }
    }
}

extension Activation {
    /// The spec parameters describing this activation.
    var params: [String: LayerParam] {
        switch self {
        case .none: return [:]
        case .relu: return ["activation": .string("relu")]
        case .leaky(let s): return ["activation": .string("leaky"), "activation_params": .floats([s])]
        case .clip(let lo, let hi): return ["activation": .string("clip"), "activation_params": .floats([lo, hi])]
        case .sigmoid: return ["activation": .string("sigmoid")]
        case .mish: return ["activation": .string("mish")]
        case .hardswish(let a, let b): return ["activation": .string("hardswish"), "activation_params": .floats([a, b])]
        }
    }
}
