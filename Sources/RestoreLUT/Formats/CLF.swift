/// Academy/ASC Common LUT Format (CLF v3) and OpenColorIO's CTF: an XML `ProcessList` of
/// `LUT1D`, `LUT3D`, `Matrix`, `Range`, `Log` and `ASC_CDL` steps, in that file's order.
///
/// Bit depths (`inBitDepth`/`outBitDepth`: 8i, 10i, 12i, 16i, 16f, 32f) are divided out on
/// reading, so every step works on normalised values. `LUT3D` arrays are blue-fastest (CLF's
/// order) and interpolate as the file says (trilinear by default, as the specification
/// and OpenColorIO). Steps restore does not implement (Exponent, Gamma, half-domain LUTs, …)
/// are refused by name and line. Written as CLF v3, 32f throughout; a LUT domain other than
/// 0…1 becomes a `Matrix` in front of its LUT.
enum CLFFormat: LUTFileFormat {
    static let format = LUTFormat.clf
    static let extensions = ["clf", "ctf"]
    static let holds1D = true, holds3D = true, holdsDomain = true
    static let holdsOperations = true

    /// The largest LUT1D (CLF allows any; this bounds memory) and LUT3D edge.
    static let max1D = 1 << 20, max3D = 129

    static func scale(_ depth: String?, _ e: XMLLite.Element, path: String?) throws(LUTError) -> Float {
        switch depth ?? "32f" {
        case "8i": return 255
        case "10i": return 1023
        case "12i": return 4095
        case "16i": return 65535
        case "16f", "32f": return 1
        default: throw LUTError(path: path, reason: .syntax, line: e.line, found: depth, expected: "a bit depth (8i, 10i, 12i, 16i, 16f, 32f) in <\(e.name)>")
        }
    }

    static func parse(_ text: LUTText) throws(LUTError) -> LUT {
        let path = text.path
        let doc = try XMLLite(text)
        let root = doc.root
        guard root.name == "ProcessList" else {
            throw LUTError(path: path, reason: .syntax, line: root.line, found: "<\(root.name)>", expected: "a <ProcessList> (CLF/CTF)")
        }
        func fail(_ e: XMLLite.Element, _ expected: String, found: String? = nil) -> LUTError {
            LUTError(path: path, reason: .invalid, line: e.line, found: found, expected: expected)
        }
        func array(_ e: XMLLite.Element) throws(LUTError) -> (dims: [Int], values: [Float]) {
            guard let a = e.child("Array") else { throw fail(e, "an <Array> in <\(e.name)>") }
            let dims = (a.attributes["dim"] ?? "").split(separator: " ").map { Int($0) }
            guard !dims.isEmpty, dims.allSatisfy({ $0 != nil && $0! > 0 && $0! <= max1D }) else {
                throw fail(a, "dim=\"…\" of positive sizes in <Array>", found: a.attributes["dim"])
            }
            let v = try doc.floats(a, path: path, what: "<\(e.name)><Array>")
            return (dims.map { $0! }, v)
        }
        var title: String?
        var ops: [LUTOperation] = []
        for e in root.children {
            if e.attributes["bypass"] == "true" { continue }
            let inScale = try scale(e.attributes["inBitDepth"], e, path: path)
            let outScale = try scale(e.attributes["outBitDepth"], e, path: path)
            switch e.name {
            case "Description": if title == nil { title = doc.text(e) }
            case "InputDescriptor", "OutputDescriptor", "Info": continue
            case "LUT1D":
                if e.attributes["halfDomain"] == "true" || e.attributes["rawHalfs"] == "true" {
                    throw LUTError(path: path, reason: .unsupported, line: e.line, expected: "a LUT1D without halfDomain/rawHalfs (not implemented)")
                }
                let (dims, v) = try array(e)
                guard dims.count == 2, dims[0] >= 2, dims[1] == 1 || dims[1] == 3, v.count == dims[0] * dims[1] else {
                    throw fail(e, "LUT1D Array dim=\"N 1\" or \"N 3\" (N ≥ 2) with N×channels values, got \(v.count)", found: dims.map(String.init).joined(separator: " "))
                }
                let n = dims[0]
                var values = [Float](repeating: 0, count: 3 * n)
                for i in 0..<n { for c in 0..<3 { values[3 * i + c] = v[dims[1] == 3 ? 3 * i + c : i] / outScale } }
                ops.append(.lut1D(LUT1D(size: n, values: values)))
            case "LUT3D":
                let (dims, v) = try array(e)
                guard dims.count == 4, dims[0] >= 2, dims[0] <= max3D, dims[1] == dims[0], dims[2] == dims[0], dims[3] == 3,
                      v.count == 3 * dims[0] * dims[0] * dims[0] else {
                    throw fail(e, "LUT3D Array dim=\"N N N 3\" (2 ≤ N ≤ \(max3D)) with 3N³ values, got \(v.count)", found: dims.map(String.init).joined(separator: " "))
                }
                let n = dims[0]
                var values = [Float](repeating: 0, count: v.count)
                // CLF: blue fastest; restore: red fastest.
                for r in 0..<n { for g in 0..<n { for b in 0..<n {
                    let src = 3 * ((r * n + g) * n + b), dst = 3 * ((b * n + g) * n + r)
                    for c in 0..<3 { values[dst + c] = v[src + c] / outScale }
                } } }
                var cube = LUT3D(size: n, values: values)
                switch e.attributes["interpolation"] ?? "trilinear" {
                case "trilinear", "linear", "default": cube.interpolation = .trilinear
                case "tetrahedral": cube.interpolation = .tetrahedral
                case let other: throw fail(e, "interpolation trilinear or tetrahedral", found: other)
                }
                ops.append(.lut3D(cube))
            case "Matrix":
                let (dims, v) = try array(e)
                guard (v.count == 9 || v.count == 12), dims.count >= 2, dims[0] == 3, dims[1] == (v.count == 9 ? 3 : 4) else {
                    throw fail(e, "Matrix Array dim=\"3 3\" or \"3 4\" (optionally with a third 3) and 9 or 12 values, got \(v.count)",
                                found: dims.map(String.init).joined(separator: " "))
                }
                var m = [Float](repeating: 0, count: 12)
                let cols = v.count == 9 ? 3 : 4
                for r in 0..<3 {
                    for c in 0..<3 { m[3 * r + c] = v[cols * r + c] * inScale / outScale }
                    if cols == 4 { m[9 + r] = v[4 * r + 3] / outScale }
                }
                ops.append(.matrix(m))
            case "Range":
                func value(_ name: String, _ s: Float) throws(LUTError) -> Float? {
                    guard let c = e.child(name) else { return nil }
                    guard let v = Float(doc.text(c)), v.isFinite else { throw fail(c, "a number in <\(name)>", found: doc.text(c)) }
                    return v / s
                }
                let r = RangeOperation(minIn: try value("minInValue", inScale), maxIn: try value("maxInValue", inScale),
                                       minOut: try value("minOutValue", outScale), maxOut: try value("maxOutValue", outScale),
                                       clamps: (e.attributes["style"] ?? "Clamp").lowercased() != "noclamp")
                if (r.minIn == nil) != (r.minOut == nil) || (r.maxIn == nil) != (r.maxOut == nil) || (r.minIn == nil && r.maxIn == nil) {
                    throw fail(e, "minInValue with minOutValue and/or maxInValue with maxOutValue in <Range>")
                }
                if let a = r.minIn, let b = r.maxIn, !(b > a) { throw fail(e, "maxInValue above minInValue in <Range>") }
                ops.append(.range(r))
            case "Log":
                guard let style = LogOperation.Style(rawValue: e.attributes["style"] ?? "") else {
                    throw fail(e, "a Log style (\(LogOperation.Style.allCases.map(\.rawValue).joined(separator: ", ")))", found: e.attributes["style"])
                }
                var params = [LogOperation.Params](repeating: LogOperation.Params(), count: 3)
                for lp in e.all("LogParams") {
                    var p = LogOperation.Params()
                    func number(_ key: String) throws(LUTError) -> Float? {
                        guard let s = lp.attributes[key] else { return nil }
                        guard let v = Float(s), v.isFinite else { throw fail(lp, "a number for \(key)", found: s) }
                        return v
                    }
                    if let v = try number("base") { p.base = v }
                    if let v = try number("linSideSlope") { p.linSideSlope = v }
                    if let v = try number("linSideOffset") { p.linSideOffset = v }
                    if let v = try number("logSideSlope") { p.logSideSlope = v }
                    if let v = try number("logSideOffset") { p.logSideOffset = v }
                    p.linSideBreak = try number("linSideBreak")
                    p.linearSlope = try number("linearSlope")
                    guard p.base > 0, p.base != 1, p.linSideSlope != 0, p.logSideSlope != 0 else {
                        throw fail(lp, "base > 0 and ≠ 1, and non-zero slopes in <LogParams>")
                    }
                    switch lp.attributes["channel"] {
                    case nil: params = [p, p, p]
                    case "R": params[0] = p
                    case "G": params[1] = p
                    case "B": params[2] = p
                    case let other: throw fail(lp, "channel R, G or B", found: other)
                    }
                }
                ops.append(.log(LogOperation(style: style, params: params)))
            case "ASC_CDL":
                ops.append(.cdl(try CDLFormat.correction(e, doc: doc, path: path, style: e.attributes["style"])))
            default:
                throw LUTError(path: path, reason: .unsupported, line: e.line, found: "<\(e.name)>",
                               expected: "a CLF step restore implements (LUT1D, LUT3D, Matrix, Range, Log, ASC_CDL)")
            }
        }
        guard !ops.isEmpty else { throw fail(root, "at least one step in the <ProcessList>") }
        return LUT(title: title, operations: ops, format: "clf")
    }

    static func write(_ lut: LUT, path: String?) throws(LUTError) -> String {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ProcessList compCLFversion=\"3\" id=\"restore\">\n"
        out += "    <Description>\(XMLText.escape(lut.title ?? "written by restore"))</Description>\n"
        let io = "inBitDepth=\"32f\" outBitDepth=\"32f\""
        func arrayText(_ v: [Float], perLine: Int) -> String {
            stride(from: 0, to: v.count, by: perLine).map { i in
                "            " + v[i..<min(v.count, i + perLine)].map { XMLText.number($0) }.joined(separator: " ")
            }.joined(separator: "\n")
        }
        func domainMatrix(_ lo: [Float], _ hi: [Float]) {
            guard lo != [0, 0, 0] || hi != [1, 1, 1] else { return }
            var m = [Float](repeating: 0, count: 12)
            for c in 0..<3 { m[4 * c + c] = 1 / (hi[c] - lo[c]); m[4 * c + 3] = -lo[c] / (hi[c] - lo[c]) }
            out += "    <Matrix \(io)>\n        <Array dim=\"3 4\">\n\(arrayText(m, perLine: 4))\n        </Array>\n    </Matrix>\n"
        }
        for op in lut.operations {
            switch op {
            case .lut1D(let l):
                domainMatrix(l.domainMin, l.domainMax)
                out += "    <LUT1D \(io)>\n        <Array dim=\"\(l.size) 3\">\n\(arrayText(l.values, perLine: 3))\n        </Array>\n    </LUT1D>\n"
            case .lut3D(let l):
                domainMatrix(l.domainMin, l.domainMax)
                let n = l.size
                var v = [Float](repeating: 0, count: l.values.count)
                for r in 0..<n { for g in 0..<n { for b in 0..<n {
                    let dst = 3 * ((r * n + g) * n + b), src = 3 * ((b * n + g) * n + r)
                    for c in 0..<3 { v[dst + c] = l.values[src + c] }
                } } }
                let interp = l.interpolation.map { " interpolation=\"\($0.rawValue)\"" } ?? ""
                out += "    <LUT3D \(io)\(interp)>\n        <Array dim=\"\(n) \(n) \(n) 3\">\n\(arrayText(v, perLine: 3))\n        </Array>\n    </LUT3D>\n"
            case .matrix(let m):
                var rows: [Float] = []
                for r in 0..<3 { rows += [m[3 * r], m[3 * r + 1], m[3 * r + 2], m[9 + r]] }
                out += "    <Matrix \(io)>\n        <Array dim=\"3 4\">\n\(arrayText(rows, perLine: 4))\n        </Array>\n    </Matrix>\n"
            case .range(let r):
                out += "    <Range \(io)\(r.clamps ? "" : " style=\"noClamp\"")>\n"
                for (name, v) in [("minInValue", r.minIn), ("maxInValue", r.maxIn), ("minOutValue", r.minOut), ("maxOutValue", r.maxOut)] {
                    if let v { out += "        <\(name)>\(XMLText.number(v))</\(name)>\n" }
                }
                out += "    </Range>\n"
            case .log(let l):
                out += "    <Log \(io) style=\"\(l.style.rawValue)\">\n"
                if ![.log10, .log2, .antiLog10, .antiLog2].contains(l.style) {
                    for (c, p) in zip(["R", "G", "B"], l.params) {
                        var a = "base=\"\(XMLText.number(p.base))\" linSideSlope=\"\(XMLText.number(p.linSideSlope))\" linSideOffset=\"\(XMLText.number(p.linSideOffset))\" logSideSlope=\"\(XMLText.number(p.logSideSlope))\" logSideOffset=\"\(XMLText.number(p.logSideOffset))\""
                        if let b = p.linSideBreak { a += " linSideBreak=\"\(XMLText.number(b))\"" }
                        if let s = p.linearSlope { a += " linearSlope=\"\(XMLText.number(s))\"" }
                        out += "        <LogParams channel=\"\(c)\" \(a)/>\n"
                    }
                }
                out += "    </Log>\n"
            case .cdl(let d):
                out += "    <ASC_CDL \(io) style=\"\(d.style.rawValue)\">\n" + CDLFormat.nodes(d, indent: "        ") + "    </ASC_CDL>\n"
            }
        }
        return out + "</ProcessList>\n"
    }
}
