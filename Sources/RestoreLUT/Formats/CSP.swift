/// Cinespace `.csp`: `CSPLUTV100`, `1D` or `3D`, optional `BEGIN METADATA … END METADATA`,
/// three pre-LUTs (count, input positions, output positions — piecewise linear, not evenly
/// spaced), then either a `N N N` cube (red fastest) or three 1D curves.
/// A non-identity pre-LUT is resampled into an evenly spaced 65,536-entry 1D LUT over its
/// input range, as OpenColorIO does.
enum CSPFormat: Sendable {
    static let shaperSamples = 65_536

    static func parse(_ text: LUTText) throws(LUTError) -> LUT {
        var lines = text.lines[...]
        func next(_ what: String) throws(LUTError) -> LUTText.Line {
            guard let l = lines.first else {
                throw LUTError(path: text.path, reason: .invalid, expected: "\(what), but the file ends")
            }
            lines = lines.dropFirst()
            return l
        }
        let head = try next("CSPLUTV100")
        guard text.word(head, 0) == "CSPLUTV100" else { throw text.error(head, "CSPLUTV100") }
        let kindLine = try next("1D or 3D")
        let kind = text.word(kindLine, 0).uppercased()
        guard kind == "1D" || kind == "3D" else { throw text.error(kindLine, "1D or 3D") }
        if let l = lines.first, text.word(l, 0).uppercased() == "BEGIN" {
            while let m = lines.first, !(text.word(m, 0).uppercased() == "END") { lines = lines.dropFirst() }
            _ = try next("END METADATA")
        }
        // Reads `count` numbers, which may span several lines.
        func numbers(_ count: Int, _ what: String) throws(LUTError) -> [Float] {
            var out: [Float] = []
            while out.count < count {
                let l = try next(what)
                for i in 0..<l.count { out.append(try text.float(l, i, what)) }
                if out.count > count { throw text.error(l, "\(count) numbers (\(what))") }
            }
            return out
        }
        var prelut: [(inputs: [Float], outputs: [Float])] = []
        for c in 0..<3 {
            let countLine = try next("the pre-LUT size of channel \(c + 1)")
            let n = try text.int(countLine, 0, "the pre-LUT size of channel \(c + 1)")
            guard (2...65536).contains(n), countLine.count == 1 else { throw text.error(countLine, "a pre-LUT size from 2 to 65536") }
            let ins = try numbers(n, "\(n) pre-LUT input positions")
            let outs = try numbers(n, "\(n) pre-LUT output positions")
            for i in 1..<n where !(ins[i] > ins[i - 1]) {
                throw text.invalid(countLine, "increasing pre-LUT input positions after this size line (channel \(c + 1): position \(i + 1) is \(ins[i]), after \(ins[i - 1]))")
            }
            prelut.append((ins, outs))
        }
        let shaper = Self.shaper(prelut)
        if kind == "3D" {
            let sizeLine = try next("the cube size (N N N)")
            guard sizeLine.count == 3 else { throw text.error(sizeLine, "the cube size N N N") }
            let s = try (0..<3).map { i throws(LUTError) in try text.size(sizeLine, i, in: 2...256, "three equal sizes from 2 to 256") }
            guard s[0] == s[1], s[1] == s[2], (2...256).contains(s[0]) else { throw text.error(sizeLine, "three equal sizes from 2 to 256") }
            let n = s[0]
            var values: [Float] = []
            values.reserveCapacity(3 * n * n * n)
            var last = sizeLine
            for _ in 0..<(n * n * n) {
                let l = try next("\(n * n * n) cube rows")
                try text.row3(l, into: &values, "a row of 3 numbers")
                last = l
            }
            if let extra = lines.first { throw text.invalid(extra, "\(n * n * n) rows for size \(n), but there are more") }
            _ = last
            return LUT(oneD: shaper, threeD: LUT3D(size: n, values: values), format: "csp")
        }
        var curves: [[Float]] = []
        for c in 0..<3 {
            let countLine = try next("the 1D size of channel \(c + 1)")
            let n = try text.int(countLine, 0, "the 1D size of channel \(c + 1)")
            guard (2...(1 << 24)).contains(n) else { throw text.error(countLine, "a 1D size from 2 to 16777216") }
            curves.append(try numbers(n, "\(n) values of channel \(c + 1)"))
        }
        guard curves[0].count == curves[1].count, curves[1].count == curves[2].count, curves[0].count >= 2 else {
            throw LUTError(path: text.path, reason: .unsupported, expected: "1D curves of one size for all channels")
        }
        let n = curves[0].count
        var values = [Float](repeating: 0, count: 3 * n)
        for i in 0..<n { for c in 0..<3 { values[3 * i + c] = curves[c][i] } }
        let curve = LUT1D(size: n, values: values)
        // A 1D CSP: pre-LUT then curves; fold them into one 1D LUT when there is a pre-LUT.
        guard let shaper else { return LUT(oneD: curve, format: "csp") }
        var folded = shaper
        for i in 0..<shaper.size { for c in 0..<3 { folded.values[3 * i + c] = curve.evaluate(shaper.values[3 * i + c], channel: c) } }
        return LUT(oneD: folded, format: "csp")
    }

    /// The pre-LUTs as one evenly spaced 1D LUT (nil when all three are the identity on 0…1).
    static func shaper(_ p: [(inputs: [Float], outputs: [Float])]) -> LUT1D? {
        if p.allSatisfy({ $0.inputs == $0.outputs && $0.inputs.first == 0 && $0.inputs.last == 1 }) { return nil }
        let lo = p.map { $0.inputs.first! }, hi = p.map { $0.inputs.last! }
        let n = shaperSamples
        var values = [Float](repeating: 0, count: 3 * n)
        for c in 0..<3 {
            let ins = p[c].inputs, outs = p[c].outputs
            var k = 0
            for i in 0..<n {
                let x = lo[c] + (hi[c] - lo[c]) * Float(i) / Float(n - 1)
                while k < ins.count - 2 && x > ins[k + 1] { k += 1 }
                let t = (x - ins[k]) / (ins[k + 1] - ins[k])
                values[3 * i + c] = outs[k] + Swift.min(Swift.max(t, 0), 1) * (outs[k + 1] - outs[k])
            }
        }
        return LUT1D(size: n, values: values, domainMin: lo, domainMax: hi)
    }

    static func write(_ lut: LUT, path: String?) throws(LUTError) -> String {
        var out = "CSPLUTV100\n\(lut.threeD != nil ? "3D" : "1D")\n\n"
        if let t = lut.title { out += "BEGIN METADATA\n\(t)\nEND METADATA\n\n" }
        if let l = lut.threeD, l.domainMin != [0, 0, 0] || l.domainMax != [1, 1, 1] {
            throw LUTError(path: path, reason: .unsupported, expected: ".csp cubes cover 0…1; express the domain as a pre-LUT")
        }
        for c in 0..<3 {
            if let s = lut.oneD, lut.threeD != nil {
                let ins = (0..<s.size).map { fmt(s.domainMin[c] + (s.domainMax[c] - s.domainMin[c]) * Float($0) / Float(s.size - 1)) }
                out += "\(s.size)\n\(ins.joined(separator: " "))\n\((0..<s.size).map { fmt(s.values[3 * $0 + c]) }.joined(separator: " "))\n"
            } else {
                out += "2\n0 1\n0 1\n"
            }
        }
        out += "\n"
        if let l = lut.threeD {
            out += "\(l.size) \(l.size) \(l.size)\n"
            var i = 0
            while i < l.values.count { out += "\(fmt(l.values[i])) \(fmt(l.values[i + 1])) \(fmt(l.values[i + 2]))\n"; i += 3 }
        } else if let s = lut.oneD {
            guard s.domainMin == [0, 0, 0], s.domainMax == [1, 1, 1] else {
                throw LUTError(path: path, reason: .unsupported, expected: "a 1D .csp over 0…1 (the domain would need a pre-LUT)")
            }
            for c in 0..<3 { out += "\(s.size)\n\((0..<s.size).map { fmt(s.values[3 * $0 + c]) }.joined(separator: " "))\n" }
        }
        return out
    }
}
