import RestoreCore
import RestoreTestSupport
import XCTest

/// `nthSmallest` against `sorted()[k]`, its reference: every offset of random arrays with few
/// or many distinct values, sorted, reversed and constant arrays, and arrays with NaN (which
/// must still terminate).
final class SelectionTests: XCTestCase {
    func testMatchesSortedAtEveryOffset() {
        var rng = SplitMix(seed: 12)
        for n in [1, 2, 3, 7, 64, 255, 256, 1000] {
            for distinct in [1, 3, 50, 1 << 20] {
                let v = (0..<n).map { _ in Float(rng.next() % UInt64(distinct)) / 7 }
                let sorted = v.sorted()
                for k in Set([0, n / 4, n / 2, n - 1] + (n <= 64 ? Array(0..<n) : [])) {
                    var w = v
                    XCTAssertEqual(w.nthSmallest(k), sorted[k], "n \(n), \(distinct) values, k \(k)")
                }
            }
            for shape in [(0..<n).map(Double.init), (0..<n).reversed().map(Double.init), [Double](repeating: 4, count: n)] {
                var w = shape
                XCTAssertEqual(w.nthSmallest(n / 2), shape.sorted()[n / 2], "n \(n)")
            }
        }
    }

    func testNaNTerminates() {
        var v: [Float] = [3, .nan, 1, .nan, 2, 5, .nan, 0, 4]
        let m = v.nthSmallest(4)
        XCTAssertTrue(m.isNaN || (0...5).contains(m))
        XCTAssertEqual(v.count, 9)
    }
}
