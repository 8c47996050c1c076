/// Sony Pictures Imageworks `.spi1d` (Version, From, Length, Components 1 or 3, `{ … }`) and
/// `.spi3d` (`SPILUT 1.0`, `3 3`, `N N N`, rows `i j k r g b` with explicit indices).
enum SPI1DFormat: Sendable {
    static func parse(_ text: LUTText) throws(LUTError) -> LUT {
        var from: (Float, Float) = (0, 1), length: Int?, components = 1
        var values: [Float] = []
        var inTable = false, closed = false
        var last: LUTText.Line?
        for line in text.lines {
            last = line
            if closed { throw text.error(line, "nothing after the closing }") }
            if inTable {
                if text.word(line, 0) == "}" { closed = true; continue }
                guard line.count == components else { throw text.error(line, "\(components) number(s) per row (Components \(components))") }
                for i in 0..<components { values.append(try text.float(line, i)) }
                continue
            }
            switch text.word(line, 0).lowercased() {
            case "version": _ = try text.int(line, 1, "Version 1")
            case "from":
                from = (try text.float(line, 1, "From MIN MAX"), try text.float(line, 2, "From MIN MAX"))
                guard from.0 < from.1 else { throw text.invalid(line, "From minimum below maximum") }
            case "length":
                let n = try text.int(line, 1, "Length N")
                guard (2...(1 << 24)).contains(n) else { throw text.error(line, "Length from 2 to 16777216") }
                length = n
            case "components":
                let c = try text.int(line, 1, "Components 1 or 3")
                guard c == 1 || c == 3 else { throw text.error(line, "Components 1 or 3") }
                components = c
            case "{": inTable = true
            default: throw text.error(line, "Version, From, Length, Components or {")
            }
        }
        guard let length else { throw LUTError(path: text.path, reason: .invalid, expected: "a Length line") }
        guard closed else { throw text.invalid(last, "a closing } after the table") }
        guard values.count == length * components else {
            throw text.invalid(last, "\(length) rows (Length \(length)), but the table has \(values.count / components)")
        }
        let rgb = components == 3 ? values : values.flatMap { [$0, $0, $0] }
        return LUT(oneD: LUT1D(size: length, values: rgb, domainMin: [from.0, from.0, from.0], domainMax: [from.1, from.1, from.1]),
                   format: "spi1d")
    }

    static func write(_ lut: LUT, path: String?) throws(LUTError) -> String {
        guard let l = lut.oneD, lut.threeD == nil, l.domainMin.allSatisfy({ $0 == l.domainMin[0] }),
              l.domainMax.allSatisfy({ $0 == l.domainMax[0] }) else {
            throw LUTError(path: path, reason: .unsupported, expected: ".spi1d holds a 1D LUT with one domain for all channels")
        }
        var out = "Version 1\nFrom \(fmt(l.domainMin[0])) \(fmt(l.domainMax[0]))\nLength \(l.size)\nComponents 3\n{\n"
        for i in 0..<l.size { out += "    \(fmt(l.values[3 * i])) \(fmt(l.values[3 * i + 1])) \(fmt(l.values[3 * i + 2]))\n" }
        return out + "}\n"
    }
}

enum SPI3DFormat: Sendable {
    static func parse(_ text: LUTText) throws(LUTError) -> LUT {
        let lines = text.lines
        guard lines.count >= 3 else { throw LUTError(path: text.path, reason: .invalid, expected: "SPILUT header, '3 3' and a size line") }
        guard text.word(lines[0], 0).uppercased() == "SPILUT" else { throw text.error(lines[0], "SPILUT 1.0") }
        guard lines[1].count == 2, text.word(lines[1], 0) == "3", text.word(lines[1], 1) == "3" else { throw text.error(lines[1], "3 3") }
        guard lines[2].count == 3 else { throw text.error(lines[2], "three equal sizes (e.g. 33 33 33)") }
        let sizes = try (0..<3).map { i throws(LUTError) in try text.size(lines[2], i, in: 2...256, "three equal sizes from 2 to 256") }
        guard sizes[0] == sizes[1], sizes[1] == sizes[2], (2...256).contains(sizes[0]) else {
            throw text.error(lines[2], "three equal sizes from 2 to 256")
        }
        let n = sizes[0]
        var values = [Float](repeating: 0, count: 3 * n * n * n)
        var seen = [Bool](repeating: false, count: n * n * n)
        var count = 0
        for line in lines[3...] {
            guard line.count == 6 else { throw text.error(line, "a row 'r g b R G B' (3 indices, 3 values)") }
            let r = try text.int(line, 0, "an index 0…\(n - 1)"), g = try text.int(line, 1, "an index 0…\(n - 1)")
            let b = try text.int(line, 2, "an index 0…\(n - 1)")
            guard (0..<n).contains(r), (0..<n).contains(g), (0..<n).contains(b) else { throw text.error(line, "indices 0…\(n - 1)") }
            let node = (b * n + g) * n + r
            if seen[node] { throw text.error(line, "each node once (this one repeats)") }
            seen[node] = true
            for c in 0..<3 { values[3 * node + c] = try text.float(line, 3 + c) }
            count += 1
        }
        guard count == n * n * n else {
            throw text.invalid(lines.last, "\(n * n * n) rows for size \(n), but the table has \(count)")
        }
        return LUT(threeD: LUT3D(size: n, values: values), format: "spi3d")
    }

    static func write(_ lut: LUT, path: String?) throws(LUTError) -> String {
        guard let l = lut.threeD, lut.oneD == nil, l.domainMin == [0, 0, 0], l.domainMax == [1, 1, 1] else {
            throw LUTError(path: path, reason: .unsupported, expected: ".spi3d holds a 3D LUT over 0…1 only")
        }
        let n = l.size
        var out = "SPILUT 1.0\n3 3\n\(n) \(n) \(n)\n"
        for r in 0..<n { for g in 0..<n { for b in 0..<n {
            let i = 3 * ((b * n + g) * n + r)
            out += "\(r) \(g) \(b) \(fmt(l.values[i])) \(fmt(l.values[i + 1])) \(fmt(l.values[i + 2]))\n"
        } } }
        return out
    }
}
