import Foundation
import RestoreLUT
import RestoreTestSupport
import XCTest

/// The LUTs in LUTs/ reproduce the published log-curve reference points: a neutral patch at
/// the documented code value for 18 % grey comes out at the documented display value of 18 %
/// grey, and the code value for black comes out black.
final class ShippedLUTTests: XCTestCase {
    /// 18 % grey through LUTs/README.md's tone curve and a gamma-2.4 display.
    let grey: Float = {
        func f(_ x: Double) -> Double { x * (1 + x / 256) / (1 + x) }
        return Float(pow(f(0.18) / f(16), 1 / 2.4))
    }()

    func testLogCurvesHitPublishedReferencePoints() throws {
        let cases: [(String, Float, Float)] = [
            ("arri-logc3-ei800-awg3_to_rec709", 0.391007, 0.092809),
            ("sony-slog3-sgamut3cine_to_rec709", 420.0 / 1023, 95.0 / 1023),
            ("panasonic-vlog-vgamut_to_rec709", 0.423311, 0.125),
            ("canon-log3-cinemagamut_to_rec709", 0.343389, 0.12512219),
            ("acescct_to_rec709", 0.4135884, 0.0729055341958355),
        ]
        XCTAssertEqual(grey, 0.45696, accuracy: 1e-4)
        for (name, greyCode, blackCode) in cases {
            let lut = try LUTFiles.read(path: Fixtures.repository + "/LUTs/\(name).cube")
            XCTAssertEqual(lut.threeD?.size, 33, name)
            let p = LUTProcessor(lut)
            let g = p.evaluate(SIMD3(repeating: greyCode))
            for c in 0..<3 { XCTAssertEqual(g[c], grey, accuracy: 3e-3, "\(name): 18 % grey, channel \(c)") }
            // Black: the gamma-2.4 display encoding is steep near zero, so a 33-point grid
            // interpolates up to ~0.03 there (one node above black already encodes 1e-4 linear).
            let k = p.evaluate(SIMD3(repeating: blackCode))
            for c in 0..<3 { XCTAssertEqual(k[c], 0, accuracy: 0.03, "\(name): black, channel \(c)") }
            let below = p.evaluate(SIMD3(repeating: max(0, blackCode - 0.04)))
            for c in 0..<3 { XCTAssertLessThanOrEqual(below[c], 1e-6, "\(name): below black clips to 0") }
        }
    }

    func testLooksParseAndKeepNeutralsNearNeutral() throws {
        for name in ["look-warm-contrast", "look-teal-orange", "look-bleach-bypass"] {
            let p = LUTProcessor(try LUTFiles.read(path: Fixtures.repository + "/LUTs/\(name).cube"))
            let mid = p.evaluate(SIMD3(repeating: 0.5))
            XCTAssertEqual(mid.y, 0.5, accuracy: 0.03, name)
            XCTAssertNotEqual(p.evaluate(SIMD3(0.2, 0.5, 0.8)), SIMD3(0.2, 0.5, 0.8), name)
        }
    }
}
