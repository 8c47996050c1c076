/// One layer line of an ncnn `.param` file (see ncnn's
/// docs/developer-guide/param-and-model-file-structure.md): type, name, input and output blob
/// names, and `key=value` parameters by numeric id. `NCNNImporter` translates it to a `LayerSpec`.
public struct NCNNLayerLine: Sendable, Equatable {
    public var type: String
    public var name: String
    public var inputs: [String]
    public var outputs: [String]
    public var params: [Int: NCNNParamValue]
    /// 1-based line in the `.param` file.
    public var line: Int

    /// Parameter `id` as an integer (a float must be integral and within ±2^53), else `fallback`.
    public func int(_ id: Int, _ fallback: Int) throws(NNError) -> Int {
        switch params[id] {
        case .int(let v): return v
        case .float(let v):
            guard v.isFinite, v == v.rounded(), abs(v) <= 9e15 else {
                throw NNError(path: nil, reason: .syntax, line: line, detail: "\(label): parameter \(id) must be an integer, got \(v)")
            }
            return Int(v)
        default: return fallback
        }
    }
    public func float(_ id: Int, _ fallback: Float) -> Float {
        switch params[id] {
        case .int(let v): return Float(v)
        case .float(let v): return v
        default: return fallback
        }
    }
    public func array(_ id: Int) -> [Float] {
        if case .array(let a) = params[id] { return a }
        return []
    }
    /// "Type name" for messages.
    public var label: String { "\(type) '\(name)'" }
}

/// A parameter value: ints and floats are distinct (a float is written with '.' or 'e').
public enum NCNNParamValue: Sendable, Equatable {
    case int(Int), float(Float), array([Float])
}

/// Parses ncnn's text `.param` format: magic 7767517, layer and blob counts, one layer per line.
public enum NCNNParam {
    public static func parse(_ text: String, path: String?) throws(NNError) -> [NCNNLayerLine] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            .map { ($0.offset + 1, $0.element.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })) }
            .filter { !$0.1.isEmpty }[...]
        func fail(_ line: Int?, _ what: String) -> NNError { NNError(path: path, reason: .syntax, line: line, detail: what) }
        guard let magic = lines.first, magic.1.first == "7767517" else {
            throw fail(lines.first?.0, "expected the ncnn magic number 7767517 on the first line")
        }
        lines = lines.dropFirst()
        guard let counts = lines.first, counts.1.count == 2, let layerCount = Int(counts.1[0]), Int(counts.1[1]) != nil else {
            throw fail(lines.first?.0, "expected 'LAYER_COUNT BLOB_COUNT'")
        }
        lines = lines.dropFirst()
        var out: [NCNNLayerLine] = []
        for (number, tokens) in lines {
            guard tokens.count >= 4, let nIn = Int(tokens[2]), let nOut = Int(tokens[3]), nIn >= 0, nOut >= 0,
                  nIn <= tokens.count, nOut <= tokens.count, tokens.count >= 4 + nIn + nOut else {
                throw fail(number, "expected 'TYPE NAME N_IN N_OUT INPUTS… OUTPUTS… key=value…'")
            }
            var spec = NCNNLayerLine(type: String(tokens[0]), name: String(tokens[1]),
                                     inputs: tokens[4..<(4 + nIn)].map(String.init),
                                     outputs: tokens[(4 + nIn)..<(4 + nIn + nOut)].map(String.init), params: [:], line: number)
            for kv in tokens[(4 + nIn + nOut)...] {
                let parts = kv.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, var id = Int(parts[0]), id >= -23300 - 31, id <= 31 else {
                    throw fail(number, "expected key=value with a parameter id 0…31 (arrays -23300…-23331), found '\(kv)'")
                }
                if id <= -23300 {
                    id = -id - 23300
                    let items = parts[1].split(separator: ",")
                    guard let n = items.first.flatMap({ Int($0) }), n == items.count - 1 else {
                        throw fail(number, "expected an array 'count,v0,v1,…' for parameter \(id)")
                    }
                    var values: [Float] = []
                    for v in items.dropFirst() {
                        guard let f = Float(v), f.isFinite else { throw fail(number, "expected finite numbers in the array of parameter \(id)") }
                        values.append(f)
                    }
                    spec.params[id] = .array(values)
                } else {
                    let v = parts[1]
                    if v.contains(".") || v.contains("e") || v.contains("E") {
                        guard let f = Float(v), f.isFinite else { throw fail(number, "expected a finite number for parameter \(id), found '\(v)'") }
                        spec.params[id] = .float(f)
                    } else {
                        guard let i = Int(v) else { throw fail(number, "expected a number for parameter \(id), found '\(v)'") }
                        spec.params[id] = .int(i)
                    }
                }
                guard (0...31).contains(id) else { throw fail(number, "parameter id \(id) is outside 0…31") }
            }
            out.append(spec)
        }
        guard out.count == layerCount else {
            throw fail(nil, "the header says \(layerCount) layers, the file has \(out.count)")
        }
        return out
    }
}
