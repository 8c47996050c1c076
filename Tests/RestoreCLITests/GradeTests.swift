import Foundation
@testable import Restore
import RestoreColor
import RestoreCore
import RestoreIO
import RestoreNN
import RestoreTestSupport
import XCTest

/// `restore grade` and the grade stage: the exported LUT is exactly the one applied (checked
/// by OpenColorIO applying it), strength, alpha/depth/profile, one LUT per shot, and clear
/// errors for bad settings.
final class GradeTests: XCTestCase {
    var dir = ""
    override func setUp() { dir = Fixtures.temporaryDirectory() }
    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }
    func restore(_ args: String...) throws -> CLITests.Result { try CLITests.run(args) }
    var samples: String { Fixtures.repository + "/Samples" }

    /// A warm, faded photo-like frame (a gradient with texture), interleaved RGB in 0…1.
    func frame(width: Int, height: Int) -> [Float] {
        var rng = SplitMix(seed: 7)
        var v = [Float]()
        for y in 0..<height { for x in 0..<width {
            let ramp: Float = Float(x + 2 * y) / Float(width + 2 * height)
            let texture: Float = 0.02 * rng.gaussian()
            let t: Float = 0.15 + 0.7 * ramp + texture
            v += [min(1, max(0, t * 1.1 + 0.05)), min(1, max(0, t * 0.95 + 0.04)), min(1, max(0, t * 0.75 + 0.03))]
        } }
        return v
    }

    /// OpenColorIO applying the exported .cube to the input reproduces restore's output: within
    /// one 8-bit level for 8-bit frames and 1e-3 for float, for --auto and --match.
    func testOpenColorIOApplyingTheExportedLUTReproducesTheOutput() throws {
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = ["python3", "-c", "import PyOpenColorIO"]
        check.standardError = FileHandle.nullDevice
        try check.run(); check.waitUntilExit()
        try XCTSkipIf(check.terminationStatus != 0, "PyOpenColorIO is not installed (pip install opencolorio)")
        let (w, h) = (64, 48)
        let pixels = frame(width: w, height: h)
        for mode in [["--auto"], ["--match", samples + "/baboon.jpg"]] {
            for fmt in ["rgb24", "rgbf32le"] {
                let input: Data = fmt == "rgb24" ? Data(pixels.map { UInt8(($0 * 255).rounded()) })
                    : pixels.withUnsafeBufferPointer { Data(buffer: $0) }
                let cube = dir + "/\(mode[0].dropFirst(2))-\(fmt).cube"
                let r = try CLITests.pipe(["grade", "-", "-", "--raw", "\(w)x\(h):\(fmt)", "--export-lut", cube] + mode, stdin: input)
                XCTAssertEqual(r.code, 0, r.err)
                try input.write(to: URL(fileURLWithPath: dir + "/in.raw"))
                let p = Process()
                p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                p.arguments = ["python3", Fixtures.root + "/ocio_apply_lut.py", cube, dir + "/in.raw", dir + "/ocio.raw", fmt]
                try p.run(); p.waitUntilExit()
                XCTAssertEqual(p.terminationStatus, 0)
                let ocio = try Data(contentsOf: URL(fileURLWithPath: dir + "/ocio.raw"))
                XCTAssertEqual(ocio.count, r.out.count)
                if fmt == "rgb24" {
                    let worst = zip(ocio, r.out).map { abs(Int($0) - Int($1)) }.max() ?? 99
                    XCTAssertLessThanOrEqual(worst, 1, "\(mode) \(fmt): 8-bit levels from OpenColorIO")
                } else {
                    let a = ocio.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
                    let b = r.out.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
                    XCTAssertLessThanOrEqual(maxAbsDifference(a, b), 1e-3, "\(mode) \(fmt)")
                }
                // The grade changed something (a LUT that is the identity would pass vacuously).
                XCTAssertGreaterThan(fmt == "rgb24" ? zip(input, r.out).map { abs(Int($0) - Int($1)) }.max() ?? 0 : 1, 0, "\(mode)")
            }
        }
    }

    /// `restore grade --auto` with the shipped predictors reproduces PyTorch's `auto_grade`,
    /// the mean of the ensemble's members (Tests/Fixtures/make_grade_goldens.py), on a graded
    /// 128×96 crop: the stage measures the levels, makes the thumbnails, feeds each member the
    /// channels it was trained on and averages them. The stage bakes each member's stretch,
    /// curves and LUT into one 33³ cube applied tetrahedrally, where PyTorch applies them in
    /// turn (trilinear 17³): baking alone moved the shipped single predictor's output by up to 14
    /// 8-bit levels on this crop, 0.7 on average. Against the ensemble restore measured 5.2 at
    /// worst and 0.91 on average, so the mean is what tells a right stage from a wrong one:
    /// leaving out one member moves it by 3.2–6.3 levels, and feeding the 6-channel members the
    /// raw thumbnail before the stretched one made it 5.7.
    func testAutoGradeMatchesPyTorch() throws {
        let (w, h) = (128, 96)
        let input = try Data(contentsOf: URL(fileURLWithPath: Fixtures.root + "/grade/auto.in.f32"))
        let golden = try Data(contentsOf: URL(fileURLWithPath: Fixtures.root + "/grade/auto.out.f32")).withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        let r = try CLITests.pipe(["grade", "-", "-", "--raw", "\(w)x\(h):rgbf32le", "--auto"], stdin: input)
        XCTAssertEqual(r.code, 0, r.err)
        let out = r.out.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        XCTAssertEqual(out.count, golden.count)
        let mean = zip(out, golden).map { abs($0 - $1) }.reduce(0, +) / Float(max(golden.count, 1))
        XCTAssertLessThanOrEqual(maxAbsDifference(out, golden) * 255, 8, "8-bit levels from PyTorch at worst")
        XCTAssertLessThanOrEqual(mean * 255, 1.25, "8-bit levels from PyTorch on average")
    }

    /// A match predictor whose weights say `transfer_blend: 1` applies exactly the MKL colour
    /// transfer from the image's statistics to the reference's (an affine map, which the
    /// tetrahedral cube reproduces exactly): within one 8-bit level of `ColorTransfer`.
    func testTheTransferBlendAppliesTheMKLTransfer() throws {
        let plugin = dir + "/blend"
        try FileManager.default.createDirectory(atPath: plugin, withIntermediateDirectories: true)
        let shipped = Fixtures.repository + "/Plugins/restore-grade"
        for f in try FileManager.default.contentsOfDirectory(atPath: shipped) where f != "match.safetensors" {
            try FileManager.default.copyItem(atPath: shipped + "/" + f, toPath: plugin + "/" + f)
        }
        try Fixtures.safetensors(shipped + "/match.safetensors", to: plugin + "/match.safetensors", metadata: ["transfer_blend": "1"])
        let (src, ref) = (Fixtures.root + "/transfer/tinted.src.png", Fixtures.root + "/transfer/tinted.ref.png")
        // --model takes the plugin's folder.
        let r = try restore("grade", src, dir + "/out.png", "--match", ref, "--model", plugin)
        XCTAssertEqual(r.code, 0, r.stderr)
        let image = try ImageFiles.read(path: src), reference = try ImageFiles.read(path: ref)
        let out = try ImageFiles.read(path: dir + "/out.png")
        func stats(_ i: Image) -> ColorTransfer.Statistics { i.samples.withUnsafeBufferPointer { .init(planar: $0, pixels: i.planeSize) } }
        let t = ColorTransfer(from: stats(image), to: stats(reference))
        let n = image.planeSize
        var worst: Float = 0, moved: Float = 0
        for i in 0..<n {
            let y = t.apply(image.samples[i], image.samples[n + i], image.samples[2 * n + i])
            for (c, v) in [y.0, y.1, y.2].enumerated() {
                worst = max(worst, abs(min(max(v, 0), 1) - out.samples[c * n + i]) * 255)
                moved = max(moved, abs(out.samples[c * n + i] - image.samples[c * n + i]) * 255)
            }
        }
        XCTAssertLessThanOrEqual(worst, 1.01, "8-bit levels from the MKL transfer")
        XCTAssertGreaterThan(moved, 5, "the transfer changed the image")
    }

    /// A reference that shows some of the image's pixels (two overlapping crops of one photo,
    /// the reference graded by a look): the grade is fitted to those pixels, so the whole image
    /// comes out as the look would make it, within a few 8-bit levels; the report says so.
    func testAReferenceSharingPixelsIsMatchedByThem() throws {
        let photo = try ImageFiles.read(path: samples + "/fruits.jpg")  // 512 × 480
        func crop(_ x0: Int, _ w: Int, to path: String) throws {
            var v = [Float](repeating: 0, count: 3 * w * photo.height)
            for c in 0..<3 { for y in 0..<photo.height { for x in 0..<w { v[(c * photo.height + y) * w + x] = photo.samples[(c * photo.height + y) * photo.width + x0 + x] } } }
            try ImageFiles.write(Image(width: w, height: photo.height, colorChannels: 3, hasAlpha: false, samples: v), to: path, options: EncodeOptions(depth: .uint8))
        }
        try crop(0, 308, to: dir + "/left.png"); try crop(204, 308, to: dir + "/right.png")
        let look = Fixtures.repository + "/LUTs/look-warm-contrast.cube"
        for (from, to) in [("right", "ref"), ("left", "truth")] {
            let r = try restore("lut", "apply", look, dir + "/\(from).png", dir + "/\(to).png")
            XCTAssertEqual(r.code, 0, r.stderr)
        }
        let r = try restore("grade", dir + "/left.png", dir + "/out.png", "--match", dir + "/ref.png")
        XCTAssertEqual(r.code, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("fitted to the 34 % of the image the reference shows"), r.stderr)
        let out = try ImageFiles.read(path: dir + "/out.png"), truth = try ImageFiles.read(path: dir + "/truth.png")
        let given = try ImageFiles.read(path: dir + "/left.png")
        func psnr(_ a: Image) -> Double {
            let e = zip(a.samples, truth.samples).reduce(0.0) { $0 + Double(($1.0 - $1.1) * ($1.0 - $1.1)) } / Double(a.samples.count)
            return 10 * log10(1 / e)
        }
        XCTAssertLessThan(psnr(given), 31, "the look changes the image")
        XCTAssertGreaterThan(psnr(out), 40, "as given \(psnr(given)) dB")
    }

    /// Alpha untouched, 16 bits and the ICC profile kept; strength 0 is the identity.
    func testAlphaDepthProfileAndStrength() throws {
        let r1 = try restore("grade", samples + "/baboon-alpha.png", dir + "/a.png", "--auto")
        XCTAssertEqual(r1.code, 0, r1.stderr)
        let src = try ImageFiles.read(path: samples + "/baboon-alpha.png"), out = try ImageFiles.read(path: dir + "/a.png")
        XCTAssertTrue(out.hasAlpha)
        let n = src.planeSize
        XCTAssertEqual(Array(out.samples[(3 * n)...]), Array(src.samples[(3 * n)...]), "alpha untouched")
        XCTAssertGreaterThan(maxAbsDifference(Array(out.samples[..<(3 * n)]), Array(src.samples[..<(3 * n)])), 1 / 255, "graded")

        let r2 = try restore("grade", samples + "/fruits-adobergb-16.tif", dir + "/f.tif", "--auto", "--strength", "0.5")
        XCTAssertEqual(r2.code, 0, r2.stderr)
        let tif = try ImageFiles.read(path: dir + "/f.tif"), tsrc = try ImageFiles.read(path: samples + "/fruits-adobergb-16.tif")
        XCTAssertEqual(tif.metadata.sampleFormat, .unsigned(bits: 16))
        XCTAssertEqual(tif.metadata.iccProfile, tsrc.metadata.iccProfile, "ICC kept")

        XCTAssertEqual(try restore("grade", samples + "/baboon-alpha.png", dir + "/z.png", "--auto", "--strength", "0").code, 0)
        let z = try ImageFiles.read(path: dir + "/z.png")
        XCTAssertLessThanOrEqual(maxAbsDifference(z.samples, src.samples), 0.5 / 255, "strength 0 is the identity")
    }

    /// Scene-linear values above 1 keep their excess over the LUT's domain (nothing clips).
    func testValuesAboveOneSurvive() throws {
        var img = Image(width: 32, height: 16, colorChannels: 3, hasAlpha: false, metadata: ImageMetadata(sampleFormat: .float(bits: 32)))
        for c in 0..<3 { for y in 0..<16 { for x in 0..<32 { img[x, y, c] = Float(x) / 31 * 3 + Float(c) * 0.05 } } }
        try ImageFiles.write(img, to: dir + "/hdr.tif", options: EncodeOptions(depth: .float32))
        let r = try restore("grade", dir + "/hdr.tif", dir + "/hdr-out.tif", "--auto")
        XCTAssertEqual(r.code, 0, r.stderr)
        let out = try ImageFiles.read(path: dir + "/hdr-out.tif")
        XCTAssertEqual(out.metadata.sampleFormat, .float(bits: 32))
        XCTAssertGreaterThan(out.samples.max() ?? 0, 2.5, "the brightest values (3.0 in) stay far above 1")
    }

    /// A frame sequence gets one grade (one exported LUT, each frame's note naming the shot).
    func testOneLUTPerShot() throws {
        try FileManager.default.createDirectory(atPath: dir + "/seq", withIntermediateDirectories: true)
        let src = try ImageFiles.read(path: samples + "/baboon.jpg")
        for i in 0..<3 {
            var f = src
            for k in 0..<(3 * f.planeSize) { f.samples[k] = min(1, f.samples[k] * (0.8 + 0.1 * Float(i))) }
            try ImageFiles.write(f, to: dir + "/seq/s.\(1001 + i).png", options: EncodeOptions(depth: .uint8))
        }
        let r = try restore("grade", dir + "/seq/s.%04d.png", dir + "/out/", "--auto", "--export-lut", dir + "/shot.cube",
                            "--report", dir + "/r.json")
        XCTAssertEqual(r.code, 0, r.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/shot.cube"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/shot.2.cube"), "one LUT for the shot")
        let report = try String(contentsOfFile: dir + "/r.json", encoding: .utf8)
        XCTAssertEqual(report.components(separatedBy: "the shot's").count - 1, 3, report)
        let per = try restore("grade", dir + "/seq/s.%04d.png", dir + "/pf/", "--auto", "--per-frame", "--export-lut", dir + "/pf.cube")
        XCTAssertEqual(per.code, 0, per.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/pf.3.cube"), "one LUT per frame with --per-frame")
    }

    /// A grade that starts with a levels stretch applies as the stretch followed by the rest of
    /// the grade (the stage folds the stretch into a 4096-node 1D LUT): within 1e-3 on random
    /// colours, including ones the stretch clamps.
    func testTheLevelsStretchComesFirst() {
        var rng = SplitMix(seed: 11)
        let p = 33, s = 5
        let curves = (0..<3).flatMap { _ in (0..<p).map { i in Float(i) / Float(p - 1) + 0.05 * rng.uniform() } }
        let lut = (0..<(3 * s * s * s)).map { i in
            let node = i % (s * s * s), c = i / (s * s * s)
            return Float(c == 0 ? node % s : c == 1 ? (node / s) % s : node / (s * s)) / Float(s - 1) + 0.05 * rng.uniform()
        }
        let plain = GradeParameters(curvePoints: p, curves: curves, lutSize: s, lut: lut)
        var stretched = plain
        stretched.levels = GradeLevels(lo: [0.1, 0.02, 0.2], gain: [1.4, 1.1, 2.5])
        let n = 500
        let colours = (0..<(3 * n)).map { _ in rng.uniform() }
        var a = Image(width: n, height: 1, colorChannels: 3, hasAlpha: false, samples: colours)
        var b = Image(width: n, height: 1, colorChannels: 3, hasAlpha: false, samples: stretched.levels.apply(planar: colours))
        GradeStage.processor(stretched).apply(to: &a, threads: 1)
        GradeStage.processor(plain).apply(to: &b, threads: 1)
        XCTAssertLessThanOrEqual(maxAbsDifference(a.samples, b.samples), 1e-3)
        XCTAssertGreaterThan(maxAbsDifference(a.samples, colours), 0.05, "the stretch moved the colours")
    }

    /// Bad settings fail before any work, naming what was expected; the export never overwrites an input.
    func testBadSettings() throws {
        let input = samples + "/baboon.jpg"
        for (args, expected) in [(["--auto", "--lut-size", "9"], "17 to 65"), (["--auto", "--strength", "2"], "0 to 1"),
                                 (["--auto", "--match", input], "exclusive"), (["--match", dir + "/missing.png"], "missing.png"),
                                 (["--auto", "--export-lut", dir + "/x.png"], "LUT file"),
                                 (["--model", Fixtures.repository + "/Plugins/restore-denoise"], "serves stage 'denoise', not 'grade'")] {
            let r = try CLITests.run(["grade", input, dir + "/o.png"] + args)
            XCTAssertNotEqual(r.code, 0, "\(args)")
            XCTAssertTrue(r.stderr.contains(expected), "\(args): \(r.stderr)")
        }
        // An export path that is a file the plan reads (a LUT step's file) is refused before any work.
        let look = Fixtures.repository + "/LUTs/look-teal-orange.cube"
        let before = try Data(contentsOf: URL(fileURLWithPath: look))
        var request = Request()
        request.steps = [.lut(look), .grade(export: look)]
        XCTAssertThrowsError(try Pipeline.plan(request, environment: .builtIn)) { XCTAssertTrue("\($0)".contains("output is the input"), "\($0)") }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: look)), before)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/o.png"))
        // The networks' --model refuses a folder of another stage the same way.
        let d = try restore("denoise", input, dir + "/o.png", "--model", Fixtures.repository + "/Plugins/restore-grade")
        XCTAssertNotEqual(d.code, 0); XCTAssertTrue(d.stderr.contains("serves stage 'grade', not 'denoise'"), d.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/o.png"))
        let g = try restore("run", input, dir + "/o.png", "--grade", "sideways")
        XCTAssertEqual(g.code, 2); XCTAssertTrue(g.stderr.contains("match:REF"), g.stderr)
        // An ensemble member out of order (weights-3 without weights-2) is named, not ignored.
        let plugin = dir + "/gap"
        try FileManager.default.createDirectory(atPath: plugin, withIntermediateDirectories: true)
        let shipped = Fixtures.repository + "/Plugins/restore-grade"
        for f in ["auto.safetensors", "auto-3.safetensors"] { try FileManager.default.copyItem(atPath: shipped + "/" + f, toPath: plugin + "/" + f) }
        try String(contentsOfFile: shipped + "/plugin.yaml", encoding: .utf8)
            .replacingOccurrences(of: "weights-2: auto-2.safetensors, ", with: "").replacingOccurrences(of: ", match: match.safetensors", with: "")
            .write(toFile: plugin + "/plugin.yaml", atomically: true, encoding: .utf8)
        let e = try restore("grade", input, dir + "/o.png", "--auto", "--model", plugin)
        XCTAssertNotEqual(e.code, 0); XCTAssertTrue(e.stderr.contains("'weights-3' out of order"), e.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/o.png"))
    }
}
