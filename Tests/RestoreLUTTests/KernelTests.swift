import RestoreCore
import RestoreLUT
import RestoreTestSupport
import XCTest

/// Kernels against a plain float64 reference, identities, and thread independence.
final class KernelTests: XCTestCase {
    struct RNG { var s: UInt64; mutating func next() -> Float { s = s &* 6364136223846793005 &+ 1442695040888963407; return Float(s >> 40) / Float(1 << 24) } }

    /// Tetrahedral and trilinear interpolation written out in Double, straight from the
    /// definitions (barycentric weights of the tetrahedron; three nested lerps).
    func reference(_ l: LUT3D, _ x: [Double], tetrahedral: Bool) -> [Double] {
        let n = l.size
        var u = [Double](repeating: 0, count: 3), i = [Int](repeating: 0, count: 3), f = u
        for c in 0..<3 {
            u[c] = min(max((x[c] - Double(l.domainMin[c])) / Double(l.domainMax[c] - l.domainMin[c]) * Double(n - 1), 0), Double(n - 1))
            i[c] = min(Int(u[c]), n - 2); f[c] = u[c] - Double(i[c])
        }
        func node(_ dr: Int, _ dg: Int, _ db: Int, _ c: Int) -> Double {
            Double(l.values[3 * (((i[2] + db) * n + i[1] + dg) * n + i[0] + dr) + c])
        }
        return (0..<3).map { c in
            if !tetrahedral {
                var s = 0.0
                for dr in 0...1 { for dg in 0...1 { for db in 0...1 {
                    s += (dr == 1 ? f[0] : 1 - f[0]) * (dg == 1 ? f[1] : 1 - f[1]) * (db == 1 ? f[2] : 1 - f[2]) * node(dr, dg, db, c)
                } } }
                return s
            }
            // Sort axes by fraction, walk c000 → c111.
            let order = [0, 1, 2].sorted { f[$0] > f[$1] }
            var d = [0, 0, 0]
            var s = (1 - f[order[0]]) * node(0, 0, 0, c)
            for k in 0..<3 {
                d[order[k]] = 1
                let w = f[order[k]] - (k < 2 ? f[order[k + 1]] : 0)
                s += w * node(d[0], d[1], d[2], c)
            }
            return s
        }
    }

    func testKernelsMatchFloat64Reference() {
        var rng = RNG(s: 99)
        for size in [2, 5, 17] {
            let lut = LUT3D(size: size, values: (0..<(3 * size * size * size)).map { _ in rng.next() * 1.2 - 0.1 },
                            domainMin: [-0.1, 0, 0.05], domainMax: [1.1, 1, 0.9])
            for (interp, tetra) in [(Interpolation.tetrahedral, true), (.trilinear, false)] {
                let p = LUTProcessor(LUT(threeD: lut), interpolation: interp)
                var worst: Double = 0
                for _ in 0..<3000 {
                    let x = [rng.next() * 1.4 - 0.2, rng.next(), rng.next()]
                    let ours = p.evaluate(SIMD3(x[0], x[1], x[2]))
                    let ref = reference(lut, x.map(Double.init), tetrahedral: tetra)
                    worst = max(worst, abs(Double(ours.x) - ref[0]), abs(Double(ours.y) - ref[1]), abs(Double(ours.z) - ref[2]))
                }
                XCTAssertLessThanOrEqual(worst, 2e-6, "\(interp) size \(size): max |Δ| \(worst)")
            }
        }
    }

    func testNearestPicksTheClosestNode() {
        let lut = LUT3D.sampling(size: 3) { $0 * 2 }
        let p = LUTProcessor(LUT(threeD: lut), interpolation: .nearest)
        XCTAssertEqual(p.evaluate(SIMD3(0.24, 0.26, 0.74)), SIMD3(0, 1, 1))
    }

    func testIdentityIsANoOp() {
        var rng = RNG(s: 5)
        for interp in Interpolation.allCases where interp != .nearest {
            let p = LUTProcessor(LUT(threeD: .identity(size: 33)), interpolation: interp)
            for _ in 0..<2000 {
                let x = SIMD3(rng.next(), rng.next(), rng.next())
                let y = p.evaluate(x)
                for c in 0..<3 { XCTAssertEqual(y[c], x[c], accuracy: x[c].ulp * 2 + 1e-7, "\(interp)") }
            }
        }
        // On the grid, exactly.
        let p = LUTProcessor(LUT(threeD: .identity(size: 5)))
        XCTAssertEqual(p.evaluate(SIMD3(0.25, 0.5, 1)), SIMD3(0.25, 0.5, 1))
        let one = LUTProcessor(LUT(oneD: .identity(size: 1024)))
        XCTAssertEqual(one.evaluate(SIMD3(0.3, 0.6, 0.9)).x, 0.3, accuracy: 1e-7)
    }

    func testDomainClampsOutsideValues() {
        let p = LUTProcessor(LUT(threeD: .identity(size: 9)))
        XCTAssertEqual(p.evaluate(SIMD3(-1, 2, .nan)), SIMD3(0, 1, 0))
    }

    func testResultsDoNotDependOnThreadsOrStrength1() {
        var rng = RNG(s: 11)
        let lut = LUT(threeD: LUT3D(size: 9, values: (0..<(3 * 729)).map { _ in rng.next() }))
        let p = LUTProcessor(lut)
        let image = Image(width: 301, height: 97, colorChannels: 3, hasAlpha: true,
                          samples: (0..<(4 * 301 * 97)).map { _ in rng.next() })
        var one = image, many = image
        p.apply(to: &one, threads: 1)
        p.apply(to: &many, threads: 5)
        XCTAssertSamplesEqual(one.samples, many.samples, "threads")
        XCTAssertEqual(Array(one.samples[(3 * 301 * 97)...]), Array(image.samples[(3 * 301 * 97)...]), "alpha untouched")
        var half = image
        p.apply(to: &half, strength: 0.5, threads: 2)
        XCTAssertEqual(half.samples[7], image.samples[7] + 0.5 * (one.samples[7] - image.samples[7]), accuracy: 1e-6)
        var none = image
        p.apply(to: &none, strength: 0, threads: 2)
        XCTAssertSamplesEqual(none.samples, image.samples, "strength 0")
    }

    func testInterleavedStrideMatchesPlanar() {
        var rng = RNG(s: 3)
        let p = LUTProcessor(LUT(threeD: LUT3D(size: 6, values: (0..<(3 * 216)).map { _ in rng.next() })))
        let n = 1000
        var planar = (0..<(3 * n)).map { _ in rng.next() }
        var inter = [Float](repeating: 0, count: 3 * n)
        for i in 0..<n { for c in 0..<3 { inter[3 * i + c] = planar[c * n + i] } }
        planar.withUnsafeMutableBufferPointer { b in p.apply(b.baseAddress!, b.baseAddress! + n, b.baseAddress! + 2 * n, stride: 1, count: n) }
        inter.withUnsafeMutableBufferPointer { b in p.apply(b.baseAddress!, b.baseAddress! + 1, b.baseAddress! + 2, stride: 3, count: n) }
        for i in 0..<n { for c in 0..<3 { XCTAssertEqual(inter[3 * i + c], planar[c * n + i]) } }
    }
}
