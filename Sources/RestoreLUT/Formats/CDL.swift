import RestoreCore

/// ASC CDL files: `.cc` (one `ColorCorrection`), `.ccc` (a `ColorCorrectionCollection`) and
/// `.cdl` (a `ColorDecisionList`), XML. The first correction is read (its id is kept as the
/// title); `SOPNode` (Slope, Offset, Power: three numbers each) and `SatNode` (Saturation)
/// may each be absent (identity). Applied as OpenColorIO applies these files, without the
/// v1.2 clamps (`CDL.Style.fwdNoClamp`: values outside 0…1, scene-linear ones included,
/// survive; negatives pass the power unchanged). Written in the form the output's extension
/// names, from a LUT that is one forward CDL step.
enum CDLFormat: LUTFileFormat {
    static let format = LUTFormat.cdl
    static let extensions = ["cdl", "cc", "ccc"]
    static let holds1D = false, holds3D = false, holdsDomain = false
    static let holdsOperations = true

    static func parse(_ text: LUTText) throws(LUTError) -> LUT {
        let doc = try XMLLite(text)
        func first(_ e: XMLLite.Element) -> XMLLite.Element? {
            if e.name == "ColorCorrection" { return e }
            for c in e.children { if let f = first(c) { return f } }
            return nil
        }
        guard ["ColorCorrection", "ColorCorrectionCollection", "ColorDecisionList"].contains(doc.root.name),
              let cc = first(doc.root) else {
            throw LUTError(path: text.path, reason: .syntax, line: doc.root.line, found: "<\(doc.root.name)>",
                           expected: "a <ColorCorrection> (in a .cc, .ccc or .cdl file)")
        }
        let cdl = try correction(cc, doc: doc, path: text.path, style: "FwdNoClamp")
        return LUT(title: cdl.id, operations: [.cdl(cdl)], format: "cdl")
    }

    /// A correction's SOP and saturation (from a CDL file or a CLF `ASC_CDL` step).
    static func correction(_ e: XMLLite.Element, doc: XMLLite, path: String?, style: String?) throws(LUTError) -> CDL {
        var d = CDL(id: e.attributes["id"])
        switch style {
        case nil, "Fwd", "v1.2_Fwd": d.style = .fwd
        case "Rev", "v1.2_Rev": d.style = .rev
        case "FwdNoClamp", "noClampFwd": d.style = .fwdNoClamp
        case "RevNoClamp", "noClampRev": d.style = .revNoClamp
        case let other?:
            throw LUTError(path: path, reason: .invalid, line: e.line, found: other, expected: "an ASC_CDL style (Fwd, Rev, FwdNoClamp, RevNoClamp)")
        }
        func triple(_ node: XMLLite.Element, _ name: String) throws(LUTError) -> SIMD3<Float>? {
            guard let c = node.child(name) else { return nil }
            let v = try doc.floats(c, path: path, what: "<\(name)>")
            guard v.count == 3 else {
                throw LUTError(path: path, reason: .invalid, line: c.line, found: doc.text(c), expected: "three numbers in <\(name)>")
            }
            return SIMD3(v[0], v[1], v[2])
        }
        if let sop = e.child("SOPNode") {
            if let v = try triple(sop, "Slope") { d.slope = v }
            if let v = try triple(sop, "Offset") { d.offset = v }
            if let v = try triple(sop, "Power") {
                guard v.min() > 0 else {
                    throw LUTError(path: path, reason: .invalid, line: sop.line, found: "\(v)", expected: "powers above 0 in <Power>")
                }
                d.power = v
            }
        }
        if let sat = e.child("SatNode")?.child("Saturation") {
            let v = try doc.floats(sat, path: path, what: "<Saturation>")
            guard v.count == 1, v[0] >= 0 else {
                throw LUTError(path: path, reason: .invalid, line: sat.line, found: doc.text(sat), expected: "one number ≥ 0 in <Saturation>")
            }
            d.saturation = v[0]
        }
        if d.style == .rev || d.style == .revNoClamp {
            guard d.slope.min() != 0, d.saturation != 0 else {
                throw LUTError(path: path, reason: .invalid, line: e.line, expected: "non-zero slopes and saturation to invert the CDL")
            }
        }
        return d
    }

    static func nodes(_ d: CDL, indent: String) -> String {
        func t(_ v: SIMD3<Float>) -> String { "\(v.x) \(v.y) \(v.z)" }
        return "\(indent)<SOPNode>\n\(indent)    <Slope>\(t(d.slope))</Slope>\n\(indent)    <Offset>\(t(d.offset))</Offset>\n"
            + "\(indent)    <Power>\(t(d.power))</Power>\n\(indent)</SOPNode>\n"
            + "\(indent)<SatNode>\n\(indent)    <Saturation>\(d.saturation)</Saturation>\n\(indent)</SatNode>\n"
    }

    static func write(_ lut: LUT, path: String?) throws(LUTError) -> String {
        guard lut.operations.count == 1, case .cdl(let d) = lut.operations[0], d.style == .fwd || d.style == .fwdNoClamp else {
            throw LUTError(path: path, reason: .unsupported,
                           expected: "a LUT that is one ASC CDL (slope, offset, power, saturation); this one is \(lut.kind): write .clf or .cube")
        }
        let id = XMLText.escape(d.id ?? lut.title ?? "restore")
        let cc = "<ColorCorrection id=\"\(id)\">\n" + nodes(d, indent: "    ") + "</ColorCorrection>\n"
        let head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        let ext = path.flatMap { FileName.extension(of: $0) } ?? "cc"
        switch ext {
        case "ccc":
            return head + "<ColorCorrectionCollection xmlns=\"urn:ASC:CDL:v1.01\">\n" + indented(cc) + "</ColorCorrectionCollection>\n"
        case "cdl":
            return head + "<ColorDecisionList xmlns=\"urn:ASC:CDL:v1.01\">\n    <ColorDecision>\n" + indented(indented(cc)) + "    </ColorDecision>\n</ColorDecisionList>\n"
        default:
            return head + cc
        }
    }

    private static func indented(_ s: String) -> String {
        s.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "    " + $0 }.joined(separator: "\n")
    }
}

