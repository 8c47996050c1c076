import Foundation
@testable import Restore
import RestoreCore
import RestoreIO
import RestoreTestSupport
import XCTest

/// Scene-linear images through networks and formats: an HDR OpenEXR whose highlights reach
/// 6.0 keeps them through a denoise and an upscale (`HighlightShaper`), negatives survive, and
/// formats convert with their colour conventions (EXR linear, DPX transfer characteristic).
final class SceneLinearTests: XCTestCase {
    var dir = ""
    override func setUp() { dir = Fixtures.temporaryDirectory() }
    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    /// A smooth linear-light gradient: 0.02 … 6.0 across, a slightly negative corner.
    func hdrImage() -> Image {
        let w = 96, h = 64
        var img = Image(width: w, height: h, colorChannels: 3, hasAlpha: false,
                        metadata: ImageMetadata(colorHints: ColorHints(gamma: 1, chromaticities: [0.3127, 0.329, 0.64, 0.33, 0.3, 0.6, 0.15, 0.06]),
                                                sampleFormat: .float(bits: 16)))
        for y in 0..<h { for x in 0..<w {
            let t = Float(x) / Float(w - 1), s = Float(y) / Float(h - 1)
            img[x, y, 0] = 0.02 + 5.98 * t * t
            img[x, y, 1] = 0.02 + 3 * t * s
            img[x, y, 2] = x < 8 && y < 8 ? -0.01 : 0.18 + 0.5 * s
        } }
        return img
    }

    func testHighlightsSurviveDenoiseAndUpscale() throws {
        let input = dir + "/hdr.exr"
        try ImageFiles.write(hdrImage(), to: input, options: EncodeOptions(depth: .float16))
        let source = try ImageFiles.read(path: input)
        for (name, edit) in [("denoise", { (r: inout Request) in r.denoise = "10"; r.scale = 1 }),
                             ("upscale", { (r: inout Request) in r.denoise = "off"; r.scale = 2 })] {
            var request = Request()
            edit(&request)
            request.threads = 2
            let out = dir + "/\(name).exr"
            try Pipeline.plan(request, environment: .builtIn).run(input: input, output: out)
            let result = try ImageFiles.read(path: out)
            let s = result.width / source.width
            // The brightest column: within 5% of the input, far above 1.
            var worst: Float = 0, peak: Float = 0
            for y in 8..<(source.height - 8) {
                let x = source.width - 4
                let want = source[x, y, 0], got = result[x * s + s / 2, y * s + s / 2, 0]
                worst = max(worst, abs(got - want) / want)
                peak = max(peak, got)
            }
            XCTAssertGreaterThan(peak, 5.5, "\(name): highlights reach \(peak)")
            XCTAssertLessThan(worst, 0.05, "\(name): highlight error \(worst)")
            XCTAssertLessThan(result[1, 1, 2], 0, "\(name): negative values are not clipped")
            XCTAssertEqual(result.metadata.sampleFormat, .float(bits: 16), "\(name): half stays half")
            print("scene-linear \(name): peak \(peak), worst relative error in the highlights \(worst)")
        }
    }

    func testShaperIsInvertibleAndLeavesDisplayImagesAlone() throws {
        let samples: [Float] = [0, 0.5, 0.8, 1, 2.5, 6, .infinity]
        let shaper = try XCTUnwrap(samples.withUnsafeBufferPointer { HighlightShaper(samples: $0) })
        XCTAssertEqual(shaper.peak, 6, "infinities do not set the peak")
        for x in samples.dropLast() {
            let y = shaper.forward(x)
            XCTAssertTrue((0...1).contains(y))
            XCTAssertEqual(shaper.inverse(y), x, accuracy: max(1e-6, abs(x) * 2e-6), "at \(x)")
        }
        let below: [Float] = [-4, 0, 0.3, 1]
        XCTAssertNil(below.withUnsafeBufferPointer { HighlightShaper(samples: $0) }, "display-referred images are not shaped")
    }

    func testFormatConventions() throws {
        let input = dir + "/hdr.exr"
        try ImageFiles.write(hdrImage(), to: input, options: EncodeOptions(depth: .float16))
        // EXR → 10-bit Cineon DPX → EXR: linear light comes back within the log quantisation.
        var toDPX = Request(); toDPX.steps = []; toDPX.outputProfile = "cineon-log"; toDPX.depth = .uint10
        let dpx = dir + "/scan.dpx"
        try Pipeline.plan(toDPX, environment: .bare).run(input: input, output: dpx)
        XCTAssertEqual(try ImageFiles.read(path: dpx).metadata.spaceName, "cineon-log")
        var back = Request(); back.steps = []; back.outputProfile = "linear-srgb"
        let exr = dir + "/back.exr"
        try Pipeline.plan(back, environment: .bare).run(input: dpx, output: exr)
        let a = try ImageFiles.read(path: input), b = try ImageFiles.read(path: exr)
        var worst: Float = 0
        for i in 0..<a.planeSize where a.samples[i] > 0.05 { worst = max(worst, abs(a.samples[i] - b.samples[i]) / a.samples[i]) }
        XCTAssertLessThan(worst, 0.01, "one 10-bit Cineon code is ≈ 0.46% of linear light")
        // An 8-bit sRGB photo to EXR: linearised, half, Rec.709 chromaticities.
        let photo = dir + "/photo.exr"
        var plain = Request(); plain.steps = []
        let report = try Pipeline.plan(plain, environment: .bare).run(input: Fixtures.repository + "/Samples/fruits.jpg", output: photo)
        XCTAssertEqual(report.conversions, ["srgb → linear-srgb"])
        let p = try ImageFiles.read(path: photo)
        XCTAssertEqual(p.metadata.sampleFormat, .float(bits: 16))
        XCTAssertEqual(p.metadata.colorHints?.chromaticities?[2] ?? 0, 0.64, accuracy: 1e-6)
    }

    /// `--layer` and `--part` from the command line; `restore info` lists the parts.
    func testCLIPartsAndLayers() throws {
        let exr = Fixtures.path("exr/"), out = dir + "/diffuse.exr"
        var r = try CLITests.run(["convert", exr + "layers.exr", out, "--layer", "diffuse"])
        XCTAssertEqual(r.code, 0, r.stderr)
        XCTAssertSamplesEqual(try ImageFiles.read(path: out).samples, try ImageFiles.read(path: exr + "layers.diffuse.expect.tif").samples, "--layer diffuse")
        r = try CLITests.run(["convert", exr + "parts.exr", dir + "/p1.exr", "--part", "1"])
        XCTAssertEqual(r.code, 0, r.stderr)
        XCTAssertSamplesEqual(try ImageFiles.read(path: dir + "/p1.exr").samples, try ImageFiles.read(path: exr + "parts.1.expect.tif").samples, "--part 1")
        r = try CLITests.run(["convert", exr + "parts.exr", dir + "/p9.exr", "--part", "9"])
        XCTAssertEqual(r.code, 3, r.stderr)
        XCTAssertTrue(r.stderr.contains("0…1"), r.stderr)
        // A gray (Y) EXR is linear gray: EXR → EXR changes nothing (it was first read as sRGB gray).
        r = try CLITests.run(["convert", exr + "y_half_piz.exr", dir + "/y.exr"])
        XCTAssertEqual(r.code, 0, r.stderr)
        XCTAssertSamplesEqual(try ImageFiles.read(path: dir + "/y.exr").samples, try ImageFiles.read(path: exr + "y_half_piz.exr").samples, "Y")
        r = try CLITests.run(["info", exr + "parts.exr"])
        XCTAssertTrue(r.stdout.contains("part 0 of 2") && r.stdout.contains("other part 1"), r.stdout)
        r = try CLITests.run(["convert", exr + "half_dwaa.exr", dir + "/d.exr"])
        XCTAssertEqual(r.code, 3)
        XCTAssertTrue(r.stderr.contains("DWAA compression cannot be decoded"), r.stderr)
    }
}
