import Foundation
@testable import Restore
import RestoreCore
import RestoreIO
import RestoreTestSupport
import XCTest

/// Blind denoising of camera noise through the CLI: the noise map is estimated, summarised and
/// reported; camera noise is removed; a clean image passes through untouched; `--strength`
/// scales the map.
final class DenoiseTests: XCTestCase {
    var dir = ""
    override func setUp() { dir = Fixtures.temporaryDirectory() }
    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    func psnr(_ a: Image, _ b: Image) -> Double {
        let mse = zip(a.samples, b.samples).reduce(0.0) { $0 + pow(Double($1.0 - $1.1) * 255, 2) } / Double(a.samples.count)
        return 10 * log10(255 * 255 / mse)
    }

    func testCameraNoiseIsRemovedBlindly() throws {
        // Tests/Fixtures/noise/camera-high.png: a crop of Samples/fruits.jpg (rows 100–249,
        // columns 150–349) through the ISO-6400-like camera pipeline (mosaic, shot and read
        // noise, demosaic). `--sigma auto` must gain at least 4 dB over the noisy input
        // (the shipped model gains ≈ 7 dB on the held-out photos, Benchmarks/quality.py).
        let photo = try ImageFiles.read(path: Fixtures.repository + "/Samples/fruits.jpg")
        var clean = Image(width: 200, height: 150, colorChannels: 3, hasAlpha: false)
        for c in 0..<3 { for y in 0..<150 { for x in 0..<200 { clean[x, y, c] = photo[150 + x, 100 + y, c] } } }
        let noisyPath = Fixtures.root + "/noise/camera-high.png", out = dir + "/d.png"
        let r = try CLITests.run(["denoise", noisyPath, out, "--report", dir + "/r.json"])
        XCTAssertEqual(r.code, 0, r.stderr)
        let noisy = try ImageFiles.read(path: noisyPath), denoised = try ImageFiles.read(path: out)
        XCTAssertGreaterThanOrEqual(psnr(denoised, clean), psnr(noisy, clean) + 4, "noisy \(psnr(noisy, clean)) dB, denoised \(psnr(denoised, clean)) dB")
        // The map's summary is printed and kept in the report.
        XCTAssertTrue(r.stderr.contains("(R/G/B)") && r.stderr.contains("from dark to bright"), r.stderr)
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/r.json"))) as! [String: Any]
        let notes = ((report["items"] as! [[String: Any]])[0]["notes"] as! [String]).joined()
        XCTAssertTrue(notes.contains("(R/G/B)") && notes.contains("restore-denoise"), notes)
        // --strength scales the map the network is told. The network reads camera noise from the
        // image as much as from the map, so the effect is mild (on this crop 29.05 dB at 0,
        // 29.19 at 1, 29.20 at 1.5), but it reaches the network, and 0 removes less.
        for strength in ["0", "1.5"] {
            let o = dir + "/s\(strength).png"
            let s = try CLITests.run(["denoise", noisyPath, o, "--strength", strength])
            XCTAssertEqual(s.code, 0, s.stderr)
            XCTAssertTrue(s.stderr.contains("strength \(strength == "0" ? "0.0" : strength)"), s.stderr)
            let other = try ImageFiles.read(path: o)
            XCTAssertLessThan(psnr(other, denoised), 60, "strength \(strength) changed nothing")
            if strength == "0" { XCTAssertLessThan(psnr(other, clean), psnr(denoised, clean)) }
        }
        let bad = try CLITests.run(["denoise", noisyPath, dir + "/x.png", "--strength", "5"])
        XCTAssertEqual(bad.code, 2, bad.stderr)
        XCTAssertTrue(bad.stderr.contains("'strength' must be a number from 0 to 4, got '5.0'"), bad.stderr)
    }

    func testACleanImagePassesThroughUntouched() throws {
        // A smooth 16-bit gradient with alpha: clean, so the default preset leaves every
        // sample as it was and says why.
        var image = Image(width: 96, height: 64, colorChannels: 3, hasAlpha: true)
        for c in 0..<4 { for y in 0..<64 { for x in 0..<96 {
            image[x, y, c] = c == 3 ? Float(y) / 63 : Float(0.1 + 0.7 * Double(x) / 95 + 0.05 * Double(c * y) / 63)
        } } }
        let src = dir + "/clean.png", out = dir + "/out.png"
        try ImageFiles.write(image, to: src, options: EncodeOptions(depth: .uint16))
        let r = try CLITests.run([src, out])
        XCTAssertEqual(r.code, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("clean (every channel below σ 0.4), not denoised"), r.stderr)
        XCTAssertEqual(try ImageFiles.read(path: out).samples, try ImageFiles.read(path: src).samples)
        // Through the library too, and the network is never loaded (a clean photo costs only
        // its I/O and the estimate); a noisy image then loads it.
        let plan = try Pipeline.plan(Request(), environment: .builtIn)
        let stage = try XCTUnwrap(plan.stages.first as? DenoiseStage)
        let report = try plan.run(input: src, output: dir + "/lib.png")
        XCTAssertTrue(report.notes.contains { $0.contains("not denoised") }, "\(report.notes)")
        XCTAssertFalse(stage.candidates[0].isLoaded, "the denoiser was loaded for a clean image")
        var noisy = image
        var rng = SplitMix(seed: 9)
        for i in 0..<(3 * noisy.planeSize) { noisy.samples[i] += 8 / 255 * rng.gaussian() }
        try ImageFiles.write(noisy, to: dir + "/noisy.png", options: EncodeOptions(depth: .uint16))
        _ = try plan.run(input: dir + "/noisy.png", output: dir + "/lib2.png")
        XCTAssertTrue(stage.candidates[0].isLoaded)
        // An explicit σ still denoises.
        let forced = try CLITests.run(["denoise", src, dir + "/f.png", "--sigma", "10"])
        XCTAssertEqual(forced.code, 0, forced.stderr)
        XCTAssertTrue(forced.stderr.contains("denoise: σ 10.0: restore-denoise"), forced.stderr)
    }
}
