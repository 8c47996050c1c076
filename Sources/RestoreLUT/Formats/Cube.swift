/// `.cube`: Resolve (LUT_1D_SIZE / LUT_3D_SIZE, LUT_1D_INPUT_RANGE / LUT_3D_INPUT_RANGE, a 1D
/// shaper and a 3D part in one file) and Iridas/Adobe (TITLE, DOMAIN_MIN / DOMAIN_MAX).
/// Lenient like the tools that write them: comments, blank lines, CRLF, tabs, integers, long
/// decimals and scientific notation; unknown keywords are skipped.
enum CubeFormat: Sendable {
    static func parse(_ text: LUTText) throws(LUTError) -> LUT {
        var title: String?
        var size1: Int?, size3: Int?
        var sizeLine: LUTText.Line?
        var domainMin: [Float]?, domainMax: [Float]?, domainLine: LUTText.Line?
        var range1: [Float]?, range3: [Float]?
        var rows: [Float] = []
        var firstData: LUTText.Line?, lastData: LUTText.Line?
        for line in text.lines {
            if !text.isNumeric(line) {
                let key = text.word(line, 0)
                if firstData != nil && key.uppercased() != "TITLE" {
                    throw text.error(line, "a row of 3 numbers (keywords go before the table)")
                }
                switch key.uppercased() {
                case "TITLE":
                    let rest = text.text(line).dropFirst(5).trimmingSpaces
                    title = rest.hasPrefix("\"") && rest.hasSuffix("\"") && rest.count >= 2 ? String(rest.dropFirst().dropLast()) : rest
                case "LUT_1D_SIZE":
                    let n = try text.int(line, 1, "LUT_1D_SIZE followed by a size of 2 to 65536")
                    guard (2...65536).contains(n), line.count == 2 else { throw text.error(line, "LUT_1D_SIZE followed by a size of 2 to 65536") }
                    size1 = n; sizeLine = line
                case "LUT_3D_SIZE":
                    let n = try text.int(line, 1, "LUT_3D_SIZE followed by a size of 2 to 256")
                    guard (2...256).contains(n), line.count == 2 else { throw text.error(line, "LUT_3D_SIZE followed by a size of 2 to 256") }
                    size3 = n; sizeLine = line
                case "DOMAIN_MIN": domainMin = try text.floats(line, skip: 1, count: 3, "DOMAIN_MIN followed by 3 numbers"); domainLine = line
                case "DOMAIN_MAX": domainMax = try text.floats(line, skip: 1, count: 3, "DOMAIN_MAX followed by 3 numbers"); domainLine = line
                case "LUT_1D_INPUT_RANGE": range1 = try text.floats(line, skip: 1, count: 2, "LUT_1D_INPUT_RANGE followed by min and max"); domainLine = line
                case "LUT_3D_INPUT_RANGE": range3 = try text.floats(line, skip: 1, count: 2, "LUT_3D_INPUT_RANGE followed by min and max"); domainLine = line
                default: continue  // LUT_IN_VIDEO_RANGE and other vendor keywords
                }
                continue
            }
            guard size1 != nil || size3 != nil else {
                throw text.error(line, "LUT_1D_SIZE or LUT_3D_SIZE before the table")
            }
            if firstData == nil { rows.reserveCapacity(3 * ((size1 ?? 0) + (size3.map { $0 * $0 * $0 } ?? 0))) }  // sizes checked above
            try text.row3(line, into: &rows, "a row of 3 numbers")
            if firstData == nil { firstData = line }
            lastData = line
        }
        guard size1 != nil || size3 != nil else {
            throw LUTError(path: text.path, reason: .invalid, expected: "LUT_1D_SIZE or LUT_3D_SIZE (no size given)")
        }
        let n1 = size1 ?? 0, n3 = size3.map { $0 * $0 * $0 } ?? 0
        let entries = rows.count / 3
        guard entries == n1 + n3 else {
            let what = [size1.map { "LUT_1D_SIZE \($0)" }, size3.map { "LUT_3D_SIZE \($0)" }].compactMap { $0 }.joined(separator: " + ")
            throw text.invalid(entries > n1 + n3 ? lastData : (lastData ?? sizeLine),
                               "\(n1 + n3) rows for \(what), but the table has \(entries)")
        }
        func domain(_ range: [Float]?, _ line: LUTText.Line?) throws(LUTError) -> ([Float], [Float]) {
            var lo = domainMin ?? [0, 0, 0], hi = domainMax ?? [1, 1, 1]
            if let r = range { lo = [r[0], r[0], r[0]]; hi = [r[1], r[1], r[1]] }
            for c in 0..<3 where !(lo[c] < hi[c]) {
                throw text.invalid(domainLine, "domain minimum below maximum (got \(lo[c]) … \(hi[c]))")
            }
            return (lo, hi)
        }
        var lut1: LUT1D?, lut3: LUT3D?
        if let n = size1 {
            let (lo, hi) = try domain(range1, sizeLine)
            lut1 = LUT1D(size: n, values: Array(rows[0..<(3 * n)]), domainMin: lo, domainMax: hi)
        }
        if let n = size3 {
            let (lo, hi) = try domain(range3, sizeLine)
            lut3 = LUT3D(size: n, values: Array(rows[(3 * n1)...]), domainMin: lo, domainMax: hi)
        }
        return LUT(title: title, oneD: lut1, threeD: lut3, format: "cube")
    }

    /// Resolve-style `.cube`: scalar INPUT_RANGE keywords when every channel shares the domain,
    /// Iridas DOMAIN_MIN/MAX otherwise (then only one part is allowed).
    static func write(_ lut: LUT, path: String?) throws(LUTError) -> String {
        var out = ""
        if let t = lut.title { out += "TITLE \"\(t)\"\n" }
        for c in lut.comments { out += "# " + c.filter { $0 != "\n" && $0 != "\r" } + "\n" }
        func uniform(_ lo: [Float], _ hi: [Float]) -> Bool { lo.allSatisfy { $0 == lo[0] } && hi.allSatisfy { $0 == hi[0] } }
        let parts: [([Float], [Float])] = [lut.oneD.map { ($0.domainMin, $0.domainMax) }, lut.threeD.map { ($0.domainMin, $0.domainMax) }].compactMap { $0 }
        let allUniform = parts.allSatisfy { uniform($0.0, $0.1) }
        if !allUniform && parts.count > 1 {
            throw LUTError(path: path, reason: .unsupported, expected: ".cube cannot hold a shaper and a 3D LUT with per-channel domains")
        }
        if let l = lut.oneD {
            out += "LUT_1D_SIZE \(l.size)\n"
            if allUniform { if l.domainMin[0] != 0 || l.domainMax[0] != 1 { out += "LUT_1D_INPUT_RANGE \(fmt(l.domainMin[0])) \(fmt(l.domainMax[0]))\n" } }
            else { out += "DOMAIN_MIN \(l.domainMin.map(fmt).joined(separator: " "))\nDOMAIN_MAX \(l.domainMax.map(fmt).joined(separator: " "))\n" }
        }
        if let l = lut.threeD {
            out += "LUT_3D_SIZE \(l.size)\n"
            if allUniform { if l.domainMin[0] != 0 || l.domainMax[0] != 1 { out += "LUT_3D_INPUT_RANGE \(fmt(l.domainMin[0])) \(fmt(l.domainMax[0]))\n" } }
            else { out += "DOMAIN_MIN \(l.domainMin.map(fmt).joined(separator: " "))\nDOMAIN_MAX \(l.domainMax.map(fmt).joined(separator: " "))\n" }
        }
        for part in [lut.oneD?.values, lut.threeD?.values].compactMap({ $0 }) {
            var i = 0
            while i < part.count {
                out += "\(fmt(part[i])) \(fmt(part[i + 1])) \(fmt(part[i + 2]))\n"
                i += 3
            }
        }
        return out
    }
}
