import RestoreLUT

/// What `restore lut info` prints: format, kind, sizes, domains, title.
public struct LUTReport: Sendable {
    public var path: String
    public var lut: LUT

    public init(path: String) throws {
        self.path = path
        self.lut = try LUTLibrary.load(path: path)
    }

    private func domain(_ lo: [Float], _ hi: [Float]) -> String {
        lo == hi ? "" : zip(lo, hi).map { "\($0)…\($1)" }.joined(separator: ", ")
    }

    public var text: String {
        var lines = [("file", path), ("format", lut.format ?? "?"), ("kind", lut.kind)]
        if let t = lut.title { lines.append(("title", t)) }
        if let one = lut.oneD {
            lines.append(("1D size", "\(one.size)"))
            lines.append(("1D domain", domain(one.domainMin, one.domainMax)))
        }
        if let cube = lut.threeD {
            lines.append(("3D size", "\(cube.size) (\(cube.size * cube.size * cube.size) nodes)"))
            lines.append(("3D domain", domain(cube.domainMin, cube.domainMax)))
        }
        let w = lines.map(\.0.count).max() ?? 0
        return lines.map { $0.0 + String(repeating: " ", count: w - $0.0.count) + "  " + $0.1 }.joined(separator: "\n")
    }

    /// Keys: path, format, kind, title, size_1d, size_3d, domain_min, domain_max (of the first part).
    public var json: String {
        var w = JSONObjectWriter()
        w.add("path", .string(path))
        w.add("format", .string(lut.format ?? ""))
        w.add("kind", .string(lut.kind))
        w.add("title", lut.title.map { .string($0) } ?? .null)
        w.add("size_1d", lut.oneD.map { .int($0.size) } ?? .null)
        w.add("size_3d", lut.threeD.map { .int($0.size) } ?? .null)
        let (lo, hi) = lut.domain
        w.add("domain_min", .array(lo.map { .double(Double($0)) }))
        w.add("domain_max", .array(hi.map { .double(Double($0)) }))
        return w.text
    }
}
