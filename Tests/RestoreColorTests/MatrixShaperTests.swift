import RestoreColor
import RestoreCore
import RestoreTestSupport
import XCTest

/// The tabulated matrix/TRC path against lcms2's exact float pipeline (differential test).
final class MatrixShaperTests: XCTestCase {
    func testFastPathAgreesWithLCMS() throws {
        var seed: UInt64 = 42
        func rnd() -> Float { seed = seed &* 6364136223846793005 &+ 1442695040888963407; return Float(seed >> 40) / Float(1 << 24) }
        let n = 20_011
        var input = (0..<(3 * n)).map { _ in rnd() }
        // The darkest values, where gamma curves are steepest, and exact ends.
        for i in 0..<200 { input[i] = Float(i) / 65535; input[n + i] = Float(i) / 65535 }
        input[400] = 0; input[401] = 1
        // Some values outside 0…1 (float images): evaluated exactly.
        input[500] = -0.2; input[501] = 1.7
        let adobe = try ColorProfile(iccData: try Fixtures.bytes(Fixtures.path("colour/adobe.icc")))
        let pairs: [(ColorProfile, ColorProfile)] = [
            (adobe, .named(.srgb)), (.named(.srgb), .named(.rec2020)), (.named(.prophoto), .named(.displayP3)),
            (.named(.srgb), .named(.linearSRGB)), (.named(.acescg), .named(.srgb)), (.named(.srgb), adobe),
        ]
        for (a, b) in pairs {
            let t = try ColorTransform(from: a, to: b, intent: .relative)
            XCTAssertTrue(t.usesMatrixShaperPath, "\(a.name) → \(b.name)")
            var fast = [Float](repeating: 0, count: 3 * n), exact = fast
            input.withUnsafeBufferPointer { i in
                fast.withUnsafeMutableBufferPointer { t.transform(i.baseAddress!, inputPlaneStride: n, $0.baseAddress!, outputPlaneStride: n, count: n) }
                exact.withUnsafeMutableBufferPointer { t.exactTransform(i.baseAddress!, inputPlaneStride: n, $0.baseAddress!, outputPlaneStride: n, count: n) }
            }
            var worst: Float = 0
            for i in 0..<(3 * n) where exact[i] >= 0 && exact[i] <= 1 { worst = max(worst, abs(fast[i] - exact[i])) }
            XCTAssertLessThanOrEqual(worst, 1.5e-4, "\(a.name) → \(b.name): max |Δ| \(worst)")
            XCTAssertEqual(fast[500], exact[500], accuracy: 1e-4)
        }
        XCTAssertFalse(try ColorTransform(from: adobe, to: .named(.srgb), intent: .absolute).usesMatrixShaperPath)
        XCTAssertFalse(try ColorTransform(from: adobe, to: .named(.srgb), blackPointCompensation: true).usesMatrixShaperPath)
    }

    func testNonFiniteSamplesNeverReadOutsideTheTables() throws {
        // One NaN in a float TIFF crashed main (an out-of-range table read). On the fast path a
        // NaN sample counts as 0 (the curve's value at black); ±inf is evaluated exactly.
        let n = 37  // vector lanes and a scalar tail
        for special in [Float.nan, .infinity, -.infinity, .greatestFiniteMagnitude] {
            var input = [Float](repeating: 0.5, count: 3 * n)
            for i in stride(from: 0, to: 3 * n, by: 5) { input[i] = special }
            input[3 * n - 1] = special  // in the tail
            for (a, b) in [(ColorProfile.named(.adobeRGB), ColorProfile.named(.srgb)), (.named(.srgb), .named(.displayP3))] {
                let t = try ColorTransform(from: a, to: b, intent: .relative)
                var out = [Float](repeating: 0, count: 3 * n)
                input.withUnsafeBufferPointer { i in out.withUnsafeMutableBufferPointer {
                    t.transform(i.baseAddress!, inputPlaneStride: n, $0.baseAddress!, outputPlaneStride: n, count: n)
                } }
                if special.isNaN {
                    XCTAssertTrue(out.allSatisfy(\.isFinite), "NaN in, finite out (\(a.name) → \(b.name))")
                    var zero = input.map { $0.isNaN ? 0 : $0 }, expected = [Float](repeating: 0, count: 3 * n)
                    zero.withUnsafeMutableBufferPointer { i in expected.withUnsafeMutableBufferPointer {
                        t.transform(i.baseAddress!, inputPlaneStride: n, $0.baseAddress!, outputPlaneStride: n, count: n)
                    } }
                    XCTAssertEqual(out, expected, "NaN is treated as 0")
                }
            }
        }
    }
}
