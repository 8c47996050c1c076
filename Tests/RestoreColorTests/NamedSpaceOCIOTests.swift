import Foundation
import RestoreColor
import RestoreCore
import RestoreTestSupport
import XCTest

/// Every named space against OpenColorIO's built-in studio config: goldens made by
/// `Tests/Fixtures/make_ocio_goldens.py` (OpenColorIO 2.6, `ocio://studio-config-latest`).
/// Tolerance 2e-4, relative above 1 (log spaces decode to linear values in the hundreds, where
/// float32 itself carries 1e-5 of relative error).
final class NamedSpaceOCIOTests: XCTestCase {
    struct Case { var name: String; var encoded, aces, linear, into: [[Float]] }

    func cases() throws -> (Float, [Case]) {
        let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("colour/ocio_spaces.json")))
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let tolerance = Float(try XCTUnwrap(json["tolerance"] as? Double))
        let spaces = try XCTUnwrap(json["spaces"] as? [[String: Any]])
        func rows(_ s: [String: Any], _ key: String) throws -> [[Float]] {
            try XCTUnwrap(s[key] as? [[Double]]).map { $0.map(Float.init) }
        }
        return (tolerance, try spaces.map { s in
            Case(name: try XCTUnwrap(s["restore"] as? String), encoded: try rows(s, "encoded"), aces: try rows(s, "aces2065"),
                 linear: try rows(s, "linear709"), into: try rows(s, "into"))
        })
    }

    func image(_ rows: [[Float]]) -> Image {
        let n = rows.count
        var s = [Float](repeating: 0, count: 3 * n)
        for (i, r) in rows.enumerated() { for c in 0..<3 { s[c * n + i] = r[c] } }
        return Image(width: n, height: 1, colorChannels: 3, hasAlpha: false, samples: s)
    }

    func worst(_ got: Image, _ want: [[Float]]) -> (Float, String) {
        var worst: Float = 0, at = ""
        for (i, r) in want.enumerated() { for c in 0..<3 {
            let e = abs(got[i, 0, c] - r[c]) / max(1, abs(r[c]))
            if e > worst { worst = e; at = "sample \(i) channel \(c): \(got[i, 0, c]) vs OpenColorIO \(r[c])" }
        } }
        return (worst, at)
    }

    func testNamedSpacesAgreeWithOpenColorIO() throws {
        let (tolerance, cases) = try cases()
        XCTAssertEqual(Set(cases.map(\.name)).count, 15)
        let aces = ColorProfile.named(.aces2065), lin = ColorProfile.named(.linearSRGB)
        for c in cases {
            let space = try XCTUnwrap(NamedSpace(rawValue: c.name), c.name)
            let p = ColorProfile.named(space)
            let toACES = try ColorTransform(from: p, to: aces, intent: .relative).apply(to: image(c.encoded))
            let (e1, at1) = worst(toACES, c.aces)
            XCTAssertLessThanOrEqual(e1, tolerance, "\(c.name) → ACES2065-1: \(at1)")
            let into = try ColorTransform(from: lin, to: p, intent: .relative).apply(to: image(c.linear))
            let (e2, at2) = worst(into, c.into)
            XCTAssertLessThanOrEqual(e2, tolerance, "linear Rec.709 → \(c.name): \(at2)")
            print("ocio-agreement \(c.name): to ACES2065-1 \(e1), from linear Rec.709 \(e2)")
        }
    }

    /// The log curves invert each other over their whole range, highlights included.
    func testLogCurvesRoundTrip() {
        for curve in LogCurve.allCases {
            for x: Float in [-0.01, 0, 0.001, 0.0078125, 0.18, 1, 6, 100] where curve != .acescc || x > 0 {
                let y = curve.encode(x)
                XCTAssertEqual(curve.decode(y), x, accuracy: max(2e-6, abs(x) * 2e-6), "\(curve) at \(x)")
            }
            XCTAssertEqual(curve.decode(.nan), curve.decode(0), "\(curve): NaN decodes as 0")
        }
        XCTAssertEqual(LogCurve.cineon.decode(685.0 / 1023), 1, accuracy: 1e-6)
        XCTAssertEqual(LogCurve.cineon.decode(95.0 / 1023), 0, accuracy: 1e-6)
        XCTAssertEqual(LogCurve.acescct.encode(0.18), 0.4135884, accuracy: 1e-6)  // ACES S-2016-001 mid grey
    }

    /// Log spaces have no ICC form, so the pipeline never embeds their linear stand-in.
    func testLogSpacesHaveNoICCForm() {
        for s in NamedSpace.allCases {
            XCTAssertEqual(ColorProfile.named(s).hasICCForm, !s.isSceneLog, s.rawValue)
        }
        XCTAssertFalse(ColorProfile.named(.acescct).isEquivalent(to: ColorProfile.named(.acescc)))
        XCTAssertFalse(ColorProfile.named(.acescct).isEquivalent(to: ColorProfile.named(.aces2065)))
    }
}
