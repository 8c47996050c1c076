/// `.3dl`: Autodesk Flame (a first line of input positions, e.g. `0 64 … 1023`, then integer
/// RGB rows) and Lustre (`3DMESH` / `Mesh IN OUT` header, optional trailing `LUT8` / `gamma`
/// lines). Blue varies fastest in the rows. The output scale is inferred from the largest
/// value as the smallest even bit depth 8…16 that holds it (OpenColorIO's rule).
enum ThreeDLFormat: Sendable {
    static func parse(_ text: LUTText) throws(LUTError) -> LUT {
        var it = text.lines.makeIterator()
        var grid: [Float]?
        var gridLine: LUTText.Line?
        var rows: [Float] = []
        var lastRow: LUTText.Line?
        while let line = it.next() {
            let key = line.count == 1 || !text.isNumeric(line) ? text.word(line, 0).uppercased() : ""
            if key == "3DMESH" { continue }
            if key == "MESH" { _ = try text.int(line, 1, "Mesh followed by two bit depths"); continue }
            if key == "LUT8" || key == "GAMMA" { continue }
            if grid == nil {
                guard line.count >= 2 else { throw text.error(line, "the line of input positions (e.g. 0 64 128 … 1023)") }
                var g: [Float] = []
                for i in 0..<line.count { g.append(try text.float(line, i, "the line of input positions (integers)")) }
                guard g.count >= 2, g.count <= 256 else { throw text.error(line, "2 to 256 input positions") }
                grid = g; gridLine = line
                continue
            }
            try text.row3(line, into: &rows, "a row of 3 integers")
            lastRow = line
        }
        guard let grid, let gridLine else { throw LUTError(path: text.path, reason: .invalid, expected: "a 3dl table (the file has no data)") }
        let n = grid.count
        guard rows.count == 3 * n * n * n else {
            throw text.invalid(lastRow ?? gridLine, "\(n * n * n) rows for \(n) input positions, but the table has \(rows.count / 3)")
        }
        let maxValue = rows.max() ?? 0
        var bits = 8
        while bits < 16 && maxValue > Float((1 << bits) - 1) { bits += 2 }
        let scale = Float((1 << bits) - 1)
        // Rows are r-major, b fastest; LUT3D is b-major, r fastest.
        var values = [Float](repeating: 0, count: rows.count)
        var k = 0
        for r in 0..<n { for g in 0..<n { for b in 0..<n {
            let d = 3 * ((b * n + g) * n + r)
            values[d] = rows[k] / scale; values[d + 1] = rows[k + 1] / scale; values[d + 2] = rows[k + 2] / scale
            k += 3
        } } }
        return LUT(threeD: LUT3D(size: n, values: values), format: "3dl")
    }

    /// Flame style: 10-bit input positions, 12-bit output values (as OpenColorIO bakes them);
    /// values are clamped to 0…1. Only 3D LUTs over 0…1.
    static func write(_ lut: LUT, path: String?) throws(LUTError) -> String {
        guard let l = lut.threeD, lut.oneD == nil, l.domainMin == [0, 0, 0], l.domainMax == [1, 1, 1] else {
            throw LUTError(path: path, reason: .unsupported, expected: ".3dl holds a 3D LUT over 0…1 only (no shaper, no domain)")
        }
        let n = l.size
        var out = (0..<n).map { String(Int((Float($0) * 1023 / Float(n - 1)).rounded())) }.joined(separator: " ") + "\n"
        func q(_ v: Float) -> Int { Int((Swift.min(Swift.max(v, 0), 1) * 4095).rounded()) }
        for r in 0..<n { for g in 0..<n { for b in 0..<n {
            let i = 3 * ((b * n + g) * n + r)
            out += "\(q(l.values[i])) \(q(l.values[i + 1])) \(q(l.values[i + 2]))\n"
        } } }
        return out
    }
}
