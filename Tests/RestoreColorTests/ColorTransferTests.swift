import Foundation
import RestoreColor
import RestoreCore
import RestoreIO
import RestoreTestSupport
import XCTest

/// MKL colour transfer against color-matcher's (Tests/Fixtures/make_color_transfer_goldens.py).
final class ColorTransferTests: XCTestCase {
    func statistics(_ image: Image) -> ColorTransfer.Statistics {
        image.samples.withUnsafeBufferPointer { .init(planar: $0, pixels: image.planeSize) }
    }

    func testMatchesColorMatcher() throws {
        let golden = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Fixtures.root + ("/transfer/mkl.json")))) as! [String: [[Double]]]
        for name in ["tinted", "gray-ref"] {
            let src = try ImageFiles.read(path: Fixtures.root + ("/transfer/\(name).src.png"))
            let ref = try ImageFiles.read(path: Fixtures.root + ("/transfer/\(name).ref.png"))
            let t = ColorTransfer(from: statistics(src), to: statistics(ref))
            let expected = try XCTUnwrap(golden[name])
            XCTAssertEqual(expected.count, src.planeSize)
            var worst = 0.0
            for i in 0..<src.planeSize {
                let n = src.planeSize
                let y = t.apply(src.samples[i], src.samples[n + i], src.samples[2 * n + i])
                for (c, v) in [y.0, y.1, y.2].enumerated() { worst = max(worst, abs(Double(v) - expected[i][c])) }
            }
            XCTAssertLessThan(worst, 1e-5, name)
        }
    }

    /// The mapped image has the reference's mean and covariance (T A T = B).
    func testTheMappedStatisticsAreTheReferences() {
        var seed: UInt64 = 7
        func u() -> Float { seed = seed &* 6364136223846793005 &+ 1442695040888963407; return Float(seed >> 40) / Float(1 << 24) }
        // Correlated values well inside 0…1, so that the statistics' clamping never acts.
        func image(_ n: Int, _ mix: Float, _ centre: Float) -> [Float] {
            let base = (0..<(3 * n)).map { _ in u() }
            return (0..<(3 * n)).map { k in centre + 0.25 * ((1 - mix) * base[k] + mix * base[k % n] - 0.5) }
        }
        let src = image(500, 0.6, 0.45), ref = image(400, 0.2, 0.55)
        let to = ref.withUnsafeBufferPointer { ColorTransfer.Statistics(planar: $0, pixels: 400) }
        let t = ColorTransfer(from: src.withUnsafeBufferPointer { .init(planar: $0, pixels: 500) }, to: to)
        var out = [Float](repeating: 0, count: 3 * 500)
        for i in 0..<500 {
            let y = t.apply(src[i], src[500 + i], src[1000 + i])
            out[i] = y.0; out[500 + i] = y.1; out[1000 + i] = y.2
        }
        XCTAssertTrue(out.allSatisfy { $0 > 0 && $0 < 1 })
        let mapped = out.withUnsafeBufferPointer { ColorTransfer.Statistics(planar: $0, pixels: 500) }
        for k in 0..<3 { XCTAssertEqual(mapped.mean[k], to.mean[k], accuracy: 1e-6) }
        for k in 0..<9 { XCTAssertEqual(mapped.covariance[k], to.covariance[k], accuracy: 1e-6) }
        XCTAssertEqual(t.matrix[1], t.matrix[3], accuracy: 1e-12)  // T is symmetric
    }

    func testAFlatImageGetsABoundedMapAndNaNCountsAsZero() {
        // A constant source: no variance in any direction, so the floor bounds the gain.
        let flat = [Float](repeating: 0.5, count: 3 * 64)
        var ramp = (0..<(3 * 64)).map { Float($0 % 64) / 63 }
        let t = ColorTransfer(from: flat.withUnsafeBufferPointer { .init(planar: $0, pixels: 64) },
                              to: ramp.withUnsafeBufferPointer { .init(planar: $0, pixels: 64) })
        XCTAssertTrue(t.matrix.allSatisfy { $0.isFinite && abs($0) < 1e3 })
        let y = t.apply(0.5, 0.5, 0.5)
        XCTAssertEqual(y.0, 0.5, accuracy: 1e-6); XCTAssertEqual(y.2, 0.5, accuracy: 1e-6)
        ramp[5] = .nan; ramp[64 + 6] = .infinity
        let s = ramp.withUnsafeBufferPointer { ColorTransfer.Statistics(planar: $0, pixels: 64) }
        XCTAssertTrue((s.mean + s.covariance).allSatisfy(\.isFinite))
        XCTAssertEqual(ColorTransfer.Statistics(planar: UnsafeBufferPointer(start: nil, count: 0), pixels: 0).mean, [0, 0, 0])
    }

    func testTheSampleIsBoundedAndEvenlySpaced() {
        let planar = (0..<(3 * 1000)).map(Float.init)
        let s = planar.withUnsafeBufferPointer { ColorTransfer.Statistics.sample($0, pixels: 1000, limit: 300) }
        XCTAssertEqual(s.count, 3 * 250)  // every 4th pixel
        XCTAssertEqual(Array(s[0..<3]), [0, 4, 8])
        XCTAssertEqual(s[250], 1000)
        XCTAssertEqual(s[500 + 249], 2996)
    }
}
