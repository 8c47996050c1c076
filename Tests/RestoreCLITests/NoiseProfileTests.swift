import Foundation
@testable import Restore
import RestoreCore
import RestoreIO
import RestoreNN
import RestoreTestSupport
import XCTest

/// The noise profile behind `--sigma auto`: restore computes what the trainer's
/// `noise_profile.py` computes (the denoiser learnt on those maps), tiles do not change the
/// map, a clean photo is recognised, and one profile serves a shot.
final class NoiseProfileTests: XCTestCase {
    struct Golden: Decodable {
        struct Point: Decodable { let y: Int, x: Int, values: [Float] }
        let sigma: [[Double]], levels: [Double], map: [Point]
    }

    func testProfilesAndMapsEqualTheTrainersOnes() throws {
        // Fixtures from Tests/Fixtures/make_noise_profile_goldens.py: camera noise (high; low
        // with JPEG q90), Gaussian σ 10, and a gray image too small for one block (the
        // fallback to the median of all responses).
        let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.root + "/noise/profiles.json"))
        let goldens = try JSONDecoder().decode([String: Golden].self, from: data)
        XCTAssertEqual(goldens.count, 4)
        for (name, g) in goldens.sorted(by: { $0.key < $1.key }) {
            let image = try ImageFiles.read(path: Fixtures.root + "/noise/\(name).png")
            let p = NoiseProfile.estimate(of: image, threads: 2)
            XCTAssertEqual(p.levels.count, g.levels.count, name)
            for (a, b) in zip(p.levels, g.levels) { XCTAssertEqual(a, b, accuracy: 1e-9, "\(name) levels \(p.levels) against \(g.levels)") }
            for (a, b) in zip(p.sigma.flatMap { $0 }, g.sigma.flatMap { $0 }) { XCTAssertEqual(a, b, accuracy: 1e-9, "\(name) bins \(p.sigma) against \(g.sigma)") }
            // The map, as a network's tile gets it: 3 planes from the colour values.
            let planes = p.planes(count: g.map[0].values.count)
            let n = image.planeSize
            var colour = Array(image.samples[0..<(image.colorChannels * n)])
            if image.colorChannels == 1 { colour += colour + colour }  // a gray image feeds an RGB network thrice
            var out = [Float](repeating: 0, count: planes.count * n)
            colour.withUnsafeBufferPointer { c in out.withUnsafeMutableBufferPointer { planes.fill(c.baseAddress!, 3, n, $0.baseAddress!) } }
            for point in g.map {
                for (c, v) in point.values.enumerated() {
                    XCTAssertEqual(out[c * n + point.y * image.width + point.x], v, accuracy: 1e-6, "\(name) map at \(point.y),\(point.x)")
                }
            }
        }
        // What the fixtures show: camera noise is not one σ, Gaussian noise of σ 10 reads ≈ 10.
        let gauss = goldens["gauss10"]!.levels
        XCTAssertEqual(gauss.reduce(0, +) / 3, 10, accuracy: 1.5)
    }

    func testCleanImagesAreRecognisedAndNoiseIsNot() throws {
        // A smooth 16-bit gradient is clean; the same with Gaussian noise of σ 2 is not.
        var rng = SplitMix(seed: 3)
        var clean = Image(width: 200, height: 120, colorChannels: 3, hasAlpha: false)
        for c in 0..<3 { for y in 0..<120 { for x in 0..<200 { clean[x, y, c] = Float(0.1 + 0.6 * Double(x) / 200 + 0.1 * Double(c) * Double(y) / 120) } } }
        var noisy = clean
        for i in noisy.samples.indices { noisy.samples[i] += 2.0 / 255 * rng.gaussian() }
        XCTAssertTrue(NoiseProfile.estimate(of: clean).isClean, "\(NoiseProfile.estimate(of: clean))")
        let p = NoiseProfile.estimate(of: noisy)
        XCTAssertFalse(p.isClean)
        for l in p.levels { XCTAssertEqual(l, 2, accuracy: 0.4) }
    }

    func testNonFiniteAndOutOfRangeValuesNeitherTrapNorLeak() {
        // A float frame with NaN, ±∞, negatives and values above 1 (EXR can hold all of them):
        // they count as clipped, and the profile stays finite.
        var rng = SplitMix(seed: 5)
        var image = Image(width: 64, height: 48, colorChannels: 3, hasAlpha: false)
        let odd: [Float] = [.nan, .infinity, -.infinity, -0.5, 7]
        for i in image.samples.indices { image.samples[i] = i % 37 == 0 ? odd[i % odd.count] : 0.3 + 4.0 / 255 * rng.gaussian() }
        let p = NoiseProfile.estimate(of: image)
        XCTAssertTrue((p.levels + p.sigma.flatMap { $0 }).allSatisfy(\.isFinite), "\(p)")
        var all = Image(width: 20, height: 20, colorChannels: 1, hasAlpha: false)
        all.samples = .init(repeating: .nan, count: 400)
        XCTAssertEqual(NoiseProfile.estimate(of: all).levels, [0])
    }

    func testSubsampledEstimateOfALargeImage() throws {
        // 2200×2100 has 18,225 blocks, over the 4,096 read: every fourth block is read, and
        // Gaussian noise of σ 6 still reads ≈ 5.6 everywhere (the lower quartile of 256-mask
        // medians sits 7 % under the σ of white noise; the denoiser learnt on these maps).
        var rng = SplitMix(seed: 4)
        var image = Image(width: 2200, height: 2100, colorChannels: 1, hasAlpha: false)
        for i in image.samples.indices { image.samples[i] = 0.55 + 6.0 / 255 * rng.gaussian() }
        let p = NoiseProfile.estimate(of: image, threads: 2)
        XCTAssertEqual(p.levels[0], 5.6, accuracy: 0.2)
        XCTAssertEqual(p.sigma[0][4], 5.6, accuracy: 0.2)  // brightness 0.55 is bin 4; the others take its value
        XCTAssertEqual(p.sigma[0][0], p.sigma[0][4])
        XCTAssertEqual(p.sigma[0][7], p.sigma[0][4])
    }

    func testAShotsProfileAndItsTable() {
        let a = NoiseProfile(sigma: [[1, 2], [3, 4], [5, 6]].map { $0 + [Double](repeating: 0, count: 6) }, levels: [1, 3, 5])
        let b = a.scaled(by: 3)
        XCTAssertEqual(NoiseProfile(table: b.table), b)
        XCTAssertNil(NoiseProfile(table: [1, 2, 3]))
        let m = NoiseProfile.median(of: [a, b, a.scaled(by: 2)])
        XCTAssertEqual(m, a.scaled(by: 2))
        XCTAssertEqual(NoiseProfile.median(of: [a, b]).levels, [2, 6, 10])
        XCTAssertTrue(a.summary.hasPrefix("σ ≈ 1.0/3.0/5.0 (R/G/B), 0.0–6.0"), a.summary)
    }
}
