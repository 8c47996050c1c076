import Foundation
import RestoreColor
import RestoreCore
import RestoreIO
import RestoreTestSupport
import XCTest

/// Finding the pixels a reference shares with an image, and fitting a lattice to colour pairs.
final class OverlapMatchTests: XCTestCase {
    /// Samples/fruits.jpg (512 × 480) reduced by 2: 256 × 240, planar.
    func photo() throws -> OverlapMatch.Picture {
        let image = try ImageFiles.read(path: Fixtures.repository + "/Samples/fruits.jpg")
        return image.samples.withUnsafeBufferPointer { OverlapMatch.Picture(planar: $0, width: image.width, height: image.height, factor: 2) }
    }

    /// The window x0..<x0+w, y0..<y0+h of `p`, each value through `grade`.
    func crop(_ p: OverlapMatch.Picture, _ x0: Int, _ y0: Int, _ w: Int, _ h: Int,
              grade: (Float, Int) -> Float = { v, _ in v }) -> OverlapMatch.Picture {
        var v = [Float](repeating: 0, count: 3 * w * h)
        for c in 0..<3 { for y in 0..<h { for x in 0..<w { v[(c * h + y) * w + x] = grade(p.planes[(c * p.height + y0 + y) * p.width + x0 + x], c) } } }
        return v.withUnsafeBufferPointer { OverlapMatch.Picture(planar: $0, width: w, height: h, factor: 1) }
    }

    /// A strong global grade: a gamma and a cast per channel.
    func graded(_ v: Float, _ c: Int) -> Float { min(1, pow(v, [0.7, 1.0, 1.4][c]) * [1.0, 0.9, 0.8][c] + [0.0, 0.03, 0.08][c]) }

    func testTheOffsetOfTwoCropsIsFoundThroughAGrade() throws {
        let p = try photo()
        let image = crop(p, 0, 10, 154, 200), reference = crop(p, 102, 30, 154, 200, grade: graded)
        let m = try XCTUnwrap(OverlapMatch.align(image, reference))
        // Reference (x, y) is photo (102 + x, 30 + y), which is image (102 + x, 20 + y).
        XCTAssertEqual(m.dx, 102); XCTAssertEqual(m.dy, 20)
        XCTAssertGreaterThan(m.correlation, 0.95)
        XCTAssertEqual(m.overlap, Double(52 * 180) / Double(154 * 200), accuracy: 1e-9)
        let pairs = OverlapMatch.pairs(image, reference, m)
        XCTAssertEqual(pairs.source.count, 3 * 52 * 180)
        var worst: Float = 0
        for c in 0..<3 { for k in 0..<(52 * 180) {
            let i = c * 52 * 180 + k
            worst = max(worst, abs(graded(pairs.source[i], c) - pairs.target[i]))
        } }
        XCTAssertLessThan(worst, 1e-6, "each pair is one pixel, before and after the grade")
    }

    func testDifferentContentOrFlatPicturesDoNotAlign() throws {
        let p = try photo()
        let baboon = try ImageFiles.read(path: Fixtures.repository + "/Samples/baboon.jpg")
        let other = baboon.samples.withUnsafeBufferPointer { OverlapMatch.Picture(planar: $0, width: baboon.width, height: baboon.height, factor: 2) }
        XCTAssertNil(OverlapMatch.align(crop(p, 0, 0, 150, 150), crop(other, 0, 0, 150, 150)))
        let flat = [Float](repeating: 0.5, count: 3 * 120 * 120).withUnsafeBufferPointer { OverlapMatch.Picture(planar: $0, width: 120, height: 120, factor: 1) }
        XCTAssertNil(OverlapMatch.align(crop(p, 0, 0, 120, 120), flat))
        XCTAssertNil(OverlapMatch.align(flat, flat))
        XCTAssertNil(OverlapMatch.align(crop(p, 0, 0, 20, 20), crop(p, 0, 0, 20, 20)), "too small to compare")
    }

    func identity(_ s: Int) -> [Float] {
        let m = s * s * s
        var v = [Float](repeating: 0, count: 3 * m)
        for i in 0..<m { v[i] = Float(i % s) / Float(s - 1); v[m + i] = Float((i / s) % s) / Float(s - 1); v[2 * m + i] = Float(i / (s * s)) / Float(s - 1) }
        return v
    }

    func randomPairs(_ n: Int, _ f: (Float, Float, Float) -> (Float, Float, Float)) -> ([Float], [Float]) {
        var rng = SplitMix(seed: 3)
        var src = [Float](repeating: 0, count: 3 * n), dst = src
        for k in 0..<n {
            let (r, g, b) = (rng.uniform(), rng.uniform(), rng.uniform())
            let y = f(r, g, b)
            (src[k], src[n + k], src[2 * n + k]) = (r, g, b)
            (dst[k], dst[n + k], dst[2 * n + k]) = (y.0, y.1, y.2)
        }
        return (src, dst)
    }

    /// Dense pairs of a smooth grade give that grade at the nodes.
    func testTheFitRecoversASmoothGrade() {
        let f: (Float, Float, Float) -> (Float, Float, Float) = { r, g, b in (0.7 * r + 0.3 * r * r, 0.9 * g + 0.1 * r, 0.05 + 0.85 * b) }
        let (src, dst) = randomPairs(40000, f)
        let fit = LatticeFit(size: 9)
        let lattice = fit.fit(source: src, target: dst, prior: identity(9))
        let id = identity(9), m = 729
        var worst: Float = 0
        for i in 0..<m {
            let y = f(id[i], id[m + i], id[2 * m + i])
            worst = max(worst, abs(lattice[i] - y.0), abs(lattice[m + i] - y.1), abs(lattice[2 * m + i] - y.2))
        }
        XCTAssertLessThan(worst, 0.01)
        XCTAssertEqual(fit.fit(source: [], target: [], prior: id), id, "no pairs: the prior")
    }

    /// The conjugate-gradient solution against a dense solve of the same objective's normal
    /// equations, built term by term from its definition (size 3: 27 nodes).
    func testTheSolverMatchesADenseSolve() {
        let s = 3, m = 27
        let (src, dst) = randomPairs(50) { r, g, b in (r * r, 1 - g, 0.5 * b + 0.2) }
        var rng = SplitMix(seed: 9)
        let prior = identity(s).map { $0 + 0.05 * rng.gaussian() }
        let fit = LatticeFit(size: s, priorWeight: 0.3, smoothness: 0.5)
        let lattice = fit.fit(source: src, target: dst, prior: prior)
        let n = 50
        for c in 0..<3 {
            var a = [[Double]](repeating: [Double](repeating: 0, count: m), count: m), rhs = [Double](repeating: 0, count: m)
            for k in 0..<n {
                var w = [Double](repeating: 0, count: m)
                for node in 0..<m {
                    let pos = [node % s, (node / s) % s, node / (s * s)]
                    var wt = 1.0
                    for d in 0..<3 { let t = Double(src[d * n + k]) * Double(s - 1); wt *= max(0, 1 - abs(t - Double(pos[d]))) }
                    w[node] = wt
                }
                let p = (0..<m).reduce(0.0) { $0 + w[$1] * Double(prior[c * m + $1]) }
                for i in 0..<m { rhs[i] += w[i] * (Double(dst[c * n + k]) - p) / Double(n); for j in 0..<m { a[i][j] += w[i] * w[j] / Double(n) } }
            }
            for i in 0..<m {
                a[i][i] += 0.3 / Double(m)
                for j in 0..<m {
                    let pi = [i % s, (i / s) % s, i / (s * s)], pj = [j % s, (j / s) % s, j / (s * s)]
                    if zip(pi, pj).map({ abs($0 - $1) }).reduce(0, +) == 1 { a[i][i] += 0.5 / Double(m); a[i][j] -= 0.5 / Double(m) }
                }
            }
            // Gaussian elimination with partial pivoting.
            for col in 0..<m {
                let piv = (col..<m).max { abs(a[$0][col]) < abs(a[$1][col]) }!
                a.swapAt(col, piv); rhs.swapAt(col, piv)
                for r in (col + 1)..<m {
                    let f = a[r][col] / a[col][col]
                    for k in col..<m { a[r][k] -= f * a[col][k] }
                    rhs[r] -= f * rhs[col]
                }
            }
            var x = [Double](repeating: 0, count: m)
            for r in stride(from: m - 1, through: 0, by: -1) { x[r] = (rhs[r] - ((r + 1)..<m).reduce(0.0) { $0 + a[r][$1] * x[$1] }) / a[r][r] }
            for i in 0..<m { XCTAssertEqual(Double(lattice[c * m + i]), Double(prior[c * m + i]) + x[i], accuracy: 1e-5, "channel \(c) node \(i)") }
        }
    }
}
