/// Reads ncnn `.bin` weights in `.param` order: "tagged" arrays (fp16 / fp32 / int8 /
/// codebook, with a 4-byte tag and 4-byte padding) for Convolution, Deconvolution and
/// InnerProduct weights; "raw" fp32 arrays for biases, PReLU slopes and Scale data.
struct NCNNWeights {
    let bytes: [UInt8]
    let path: String?
    var offset = 0

    init(bytes: [UInt8], path: String?) { self.bytes = bytes; self.path = path }

    private func fail(_ layer: NCNNLayerLine, _ what: String) -> NNError {
        NNError(path: path, reason: .badWeights, line: layer.line, detail: "\(layer.label): \(what)")
    }

    private func u32(_ at: Int) -> UInt32 {
        UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
    }

    mutating func raw(_ n: Int, for layer: NCNNLayerLine) throws(NNError) -> [Float] {
        guard n >= 0, n <= (bytes.count - offset) / 4 else { throw fail(layer, "needs \(n) float32 values past the end of the weights") }
        var out = [Float](repeating: 0, count: n)
        for i in 0..<n { out[i] = Float(bitPattern: u32(offset + 4 * i)) }
        offset += 4 * n
        return out
    }

    mutating func tagged(_ n: Int, for layer: NCNNLayerLine) throws(NNError) -> [Float] {
        guard n >= 0, n <= bytes.count else { throw fail(layer, "declares \(n) weights, more than the file's \(bytes.count) bytes hold") }
        guard offset + 4 <= bytes.count else { throw fail(layer, "weights end before the tag") }
        let tag = u32(offset)
        offset += 4
        func pad(_ size: Int) -> Int { (size + 3) & ~3 }
        switch tag {
        case 0x0130_6B47:  // fp16
            guard offset + pad(2 * n) <= bytes.count else { throw fail(layer, "needs \(n) fp16 values past the end") }
            var out = [Float](repeating: 0, count: n)
            for i in 0..<n {
                let h = UInt16(bytes[offset + 2 * i]) | UInt16(bytes[offset + 2 * i + 1]) << 8
                out[i] = Float(Float16(bitPattern: h))
            }
            offset += pad(2 * n)
            return out
        case 0:
            return try raw(n, for: layer)
        case 0x000D_4B38:  // int8
            guard offset + pad(n) <= bytes.count else { throw fail(layer, "needs \(n) int8 values past the end") }
            let out = (0..<n).map { Float(Int8(bitPattern: bytes[offset + $0])) }
            offset += pad(n)
            return out
        default:  // 256-entry codebook + uint8 indices
            guard offset + 1024 + pad(n) <= bytes.count else { throw fail(layer, "unknown weight tag 0x\(String(tag, radix: 16))") }
            let table = (0..<256).map { Float(bitPattern: u32(offset + 4 * $0)) }
            offset += 1024
            let out = (0..<n).map { table[Int(bytes[offset + $0])] }
            offset += pad(n)
            return out
        }
    }
}
