import Foundation
@testable import RestoreLUT
import RestoreTestSupport
import XCTest

/// CLF, CTF and ASC CDL against OpenColorIO: files it wrote (and one hand-written with
/// integer bit depths) apply as OpenColorIO applies them, within 1e-5 (relative above 1);
/// goldens from `Tests/Fixtures/make_clf_fixtures.py`.
final class CLFTests: XCTestCase {
    let dir = Fixtures.root + "/luts/clf/"

    func expected() throws -> (Float, [SIMD3<Float>], [String: [SIMD3<Float>]]) {
        let data = try Data(contentsOf: URL(fileURLWithPath: dir + "expected.json"))
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        func triples(_ a: Any?) throws -> [SIMD3<Float>] {
            try XCTUnwrap(a as? [[Double]]).map { SIMD3(Float($0[0]), Float($0[1]), Float($0[2])) }
        }
        let files = try XCTUnwrap(json["files"] as? [String: Any])
        var out: [String: [SIMD3<Float>]] = [:]
        for (k, v) in files { out[k] = try triples(v) }
        return (Float(try XCTUnwrap(json["tolerance"] as? Double)), try triples(json["colours"]), out)
    }

    func worst(_ lut: LUT, _ colours: [SIMD3<Float>], _ want: [SIMD3<Float>]) -> (Float, String) {
        let p = LUTProcessor(lut)
        var worst: Float = 0, at = ""
        for (c, w) in zip(colours, want) {
            let got = p.evaluate(c)
            for k in 0..<3 {
                let e = abs(got[k] - w[k]) / max(1, abs(w[k]))
                if e > worst { worst = e; at = "\(c) → \(got) vs OpenColorIO \(w)" }
            }
        }
        return (worst, at)
    }

    func testFilesApplyAsOpenColorIOAppliesThem() throws {
        let (tolerance, colours, files) = try expected()
        XCTAssertEqual(files.count, 7)
        for (name, want) in files.sorted(by: { $0.key < $1.key }) {
            let lut = try LUTFiles.read(path: dir + name)
            let (e, at) = worst(lut, colours, want)
            XCTAssertLessThanOrEqual(e, tolerance, "\(name): \(at)")
            print("clf-agreement \(name) (\(lut.kind)): \(e)")
        }
        let chain = try LUTFiles.read(path: dir + "chain.clf")
        XCTAssertEqual(chain.kind, "Matrix, Range, Log, LUT1D, LUT3D, ASC_CDL, Log")
        XCTAssertEqual(try LUTFiles.read(path: dir + "grade.ccc").title, "shot_042")
    }

    /// What we write reads back to the same steps (CLF), or the same correction (CDL forms),
    /// and a process list bakes into a cube for .cube output.
    func testWriteReadAndBake() throws {
        let (_, colours, files) = try expected()
        let chain = try LUTFiles.read(path: dir + "chain.clf")
        let again = try LUTFiles.parse(try LUTFiles.serialize(chain, format: .clf, path: "x.clf"), format: .clf, path: "x.clf")
        XCTAssertLessThanOrEqual(worst(again, colours, files["chain.clf"]!).0, 1e-5)
        let grade = try LUTFiles.read(path: dir + "grade.cc")
        for ext in ["cc", "ccc", "cdl"] {
            let text = try LUTFiles.serialize(grade, format: .cdl, path: "out.\(ext)")
            let back = try LUTFiles.parse(text, format: .cdl, path: "out.\(ext)")
            XCTAssertEqual(back.operations, grade.operations, ext)
        }
        XCTAssertThrowsError(try LUTFiles.serialize(chain, format: .cdl, path: "x.cc")) { e in
            XCTAssertTrue("\(e)".contains("write .clf or .cube"), "\(e)")
        }
        // A cube from the CDL: 65³ tetrahedral sampling of a smooth grade, inside 0…1.
        let baked = LUTResample.reshape(grade, for: .cube, size: 65)
        XCTAssertNotNil(baked.threeD)
        let inside = zip(colours, files["grade.cc"]!).filter { $0.0.min() >= 0 && $0.0.max() <= 1 }
        XCTAssertLessThanOrEqual(worst(baked, inside.map(\.0), inside.map(\.1)).0, 2e-3)
    }

    func testErrorsNameTheLineAndElement() {
        let cases: [(String, String, String)] = [
            ("<ProcessList>\n  <Matrix>\n    <Array dim=\"3 3\">1 2 3 4</Array>\n  </Matrix>\n</ProcessList>", "line 2", "9 or 12 values"),
            ("<ProcessList>\n  <Exponent style=\"basicFwd\"/>\n</ProcessList>", "line 2", "<Exponent>"),
            ("<ProcessList>\n  <LUT1D>\n    <Array dim=\"2 3\">0 0 0 1 x 1</Array>\n  </LUT1D>\n</ProcessList>", "line 3", "'x'"),
            ("<ProcessList>\n  <Range>\n</ProcessList>", "line 3", "</Range>"),
            ("<ProcessList>\n <Log style=\"cubic\"/>\n</ProcessList>", "line 2", "Log style"),
            ("<ProcessList>\n <LUT3D>\n  <Array dim=\"1000 1000 1000 3\">0</Array>\n </LUT3D>\n</ProcessList>", "line 2", "2 ≤ N ≤ 129"),
            ("<ProcessList><Matrix inBitDepth=\"9i\"/></ProcessList>", "line 1", "bit depth"),
        ]
        for (text, line, expect) in cases {
            XCTAssertThrowsError(try LUTFiles.parse(text, format: .clf, path: "bad.clf"), expect) { e in
                let m = "\(e)"
                XCTAssertTrue(m.contains(line) && m.contains(expect), "\(expect): \(m)")
            }
        }
        XCTAssertThrowsError(try LUTFiles.parse("<ColorCorrection><SOPNode><Slope>1 1</Slope></SOPNode></ColorCorrection>", format: .cdl, path: "a.cc")) { e in
            XCTAssertTrue("\(e)".contains("three numbers in <Slope>"), "\(e)")
        }
        XCTAssertThrowsError(try LUTFiles.parse(String(repeating: "<a>", count: 100), format: .clf, path: "deep.clf")) { e in
            XCTAssertTrue("\(e)".contains("64 nested"), "\(e)")
        }
    }
}
