import Foundation
@testable import Restore
import RestoreColor
import RestoreCore
import RestoreIO
import RestoreTestSupport
import XCTest

/// The plan: values checked before any work, colour converted once, output metadata decided
/// once, a stage that cannot run is an error, and cancellation stops the work.
final class PlanTests: XCTestCase {
    var dir = ""
    override func setUp() { dir = Fixtures.temporaryDirectory() }
    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }
    func restore(_ args: String...) throws -> CLITests.Result { try CLITests.run(args) }

    /// An identity 3D LUT (so only the colour handling around it shows).
    func identityLUT() throws -> String {
        let path = dir + "/identity.cube"
        try "LUT_3D_SIZE 2\n0 0 0\n1 0 0\n0 1 0\n1 1 0\n0 0 1\n1 0 1\n0 1 1\n1 1 1\n".write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func iccDescription(_ path: String) throws -> String? {
        try ImageFiles.read(path: path).metadata.iccProfile.map { try ColorProfile(iccData: $0).name }
    }

    func testLUTInASpaceKeepsThePNGChunksMeaning() throws {
        // A PNG whose colour is only in gAMA + cHRM: the LUT stage converts into sRGB and back,
        // and the output must still say what the input's chunks said (main wrote it untagged).
        let input = Fixtures.path("pipeline/gama_chrm_rgb8.png"), out = dir + "/o.png"
        let r = try restore("lut", "apply", try identityLUT(), input, out, "--space", "srgb")
        XCTAssertEqual(r.code, 0, r.stderr)
        XCTAssertEqual(try iccDescription(out), "PNG gAMA 0.45455 / cHRM")
    }

    func testAssumeProfileReachesLUTStages() throws {
        // An untagged input declared Adobe RGB: the LUT (in sRGB) must see Adobe→sRGB
        // converted values, so the result differs from the sRGB assumption (main: identical).
        let input = Fixtures.path("pipeline/untagged_rgb8.png")
        let assumed = dir + "/adobe.png", plain = dir + "/plain.png"
        // A LUT that is not the identity, so the space it runs in matters.
        let curve = dir + "/square.cube"
        try "LUT_1D_SIZE 3\n0 0 0\n0.25 0.25 0.25\n1 1 1\n".write(toFile: curve, atomically: true, encoding: .utf8)
        var r = try restore("run", input, assumed, "--denoise", "off", "--lut", curve, "--lut-space", "srgb", "--assume-profile", "adobe-rgb")
        XCTAssertEqual(r.code, 0, r.stderr)
        r = try restore("run", input, plain, "--denoise", "off", "--lut", curve, "--lut-space", "srgb")
        XCTAssertEqual(r.code, 0, r.stderr)
        let a = try ImageFiles.read(path: assumed).samples, b = try ImageFiles.read(path: plain).samples
        XCTAssertGreaterThan(zip(a, b).map { abs($0 - $1) * 255 }.max()!, 3, "the assumed profile changes what the LUT sees")
        XCTAssertEqual(try iccDescription(assumed), "Adobe RGB (1998) compatible (restore built-in)", "an assumed profile is written")
        XCTAssertNil(try iccDescription(plain), "an untagged sRGB input stays untagged")
    }

    func testDenoiseUpscaleLUTIsOneConversionInAndOneOut() throws {
        // Adobe RGB 16-bit: denoise and upscale (sRGB networks) and a LUT in sRGB share one
        // conversion in and one out (main: six); the transforms are compiled once per plan.
        var request = Request()
        request.steps = [.denoise(sigma: "10"), .upscale(scale: 2), .lut(try identityLUT(), space: "srgb")]
        let plan = try Pipeline.plan(request, environment: .builtIn)
        let input = Fixtures.path("tf_u16_rgb_adobe_icc.tif")
        let first = try plan.run(input: input, output: dir + "/a.tif")
        XCTAssertEqual(first.conversions.count, 2, "\(first.conversions)")
        XCTAssertEqual(first.conversions.last, "srgb → Compatible with Adobe RGB (1998)")
        let second = try plan.run(input: input, output: dir + "/b.tif")
        XCTAssertEqual(second.conversions, first.conversions)
        XCTAssertEqual(plan.compiledConversions, 2, "compiled once, shared by the second image")
        XCTAssertEqual(try iccDescription(dir + "/a.tif"), "Compatible with Adobe RGB (1998)")
        XCTAssertEqual(first.outputBits, 16)
        // No stage in a space of its own: no conversion at all.
        request.steps = [.lut(try identityLUT())]
        XCTAssertEqual(try Pipeline.plan(request, environment: .bare).run(input: input, output: dir + "/c.tif").conversions, [])
    }

    func testEveryValueIsCheckedBeforeAnyWork() throws {
        let input = Fixtures.path("im_rgba16.png"), out = dir + "/x.png"
        for (args, message) in [(["--scale", "9"], "--scale must be an integer from 1 to 8, got 9"),
                                (["--denoise", "1e308"], "'sigma' must be auto or a noise σ in 8-bit levels from 0 to 75, got '1e308'"),
                                (["--denoise", "loud"], "got 'loud'"),
                                (["--threads", "0"], "--threads must be from 1 to 1024"),
                                (["--max-memory", "999999999999999"], "--max-memory must be from 16 to 1048576 MB"),
                                (["--tile", "2"], "--tile must be from 8"),
                                (["--quality", "0"], "--quality must be from 1 to 100")] {
            let r = try CLITests.run(["run", input, out] + args)
            XCTAssertEqual(r.code, 2, "\(args): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(message), "\(args): \(r.stderr)")
        }
        // Config values go through the same checks, and the message names the file and line.
        let config = dir + "/c.yaml"
        for (step, message) in [("upscale: {scale: nan}", "'scale' must be an integer from 1 to 8, got 'nan'"),
                                ("upscale: {scale: 1e9}", "got '1e9'"),
                                ("upscale: {scale: -2}", "got '-2'"),
                                ("upscale: {scale: 99999999999999999999}", "got '99999999999999999999'"),
                                ("denoise: {sigma: 1e308}", "got '1e308'"),
                                ("lut: {file: x.cube, strength: 1e308}", "'strength' must be a number from 0 to 1, got '1e308'"),
                                ("upscale: {scael: 2}", "unknown setting 'scael' (upscale takes: scale)")] {
            try "presets:\n  p:\n    - \(step)\n".write(toFile: config, atomically: true, encoding: .utf8)
            let r = try restore("run", input, out, "--config", config, "--preset", "p")
            XCTAssertEqual(r.code, 2, "\(step): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("c.yaml: line 3: "), "\(step): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(message), "\(step): \(r.stderr)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }

    func testAnImpossibleOutputFailsBeforeDecodingOrLoadingANetwork() throws {
        // RGBA to JPEG with an upscale: refused from the header (main ran the network first).
        var request = Request()
        request.steps = [.upscale(scale: 2)]
        let plan = try Pipeline.plan(request, environment: .builtIn)
        XCTAssertThrowsError(try plan.run(input: Fixtures.path("im_rgba16.png"), output: dir + "/x.jpg")) { e in
            XCTAssertTrue("\(e)".contains("JPEG cannot store alpha"), "\(e)")
        }
        XCTAssertFalse((plan.stages[0] as! NetworkStage).model.isLoaded, "the network was never loaded")
        request.depth = .float32
        XCTAssertThrowsError(try Pipeline.plan(request, environment: .builtIn).run(input: Fixtures.path("im_rgb16.png"), output: dir + "/x.png")) { e in
            XCTAssertTrue("\(e)".contains("PNG cannot store 32-bit float samples"), "\(e)")
        }
        // The output's size against --max-megapixels, before decoding: 512 × 480 × 3² = 2.2 MP.
        var m = try restore("run", Fixtures.repository + "/Samples/fruits.jpg", dir + "/big.png", "--denoise", "off", "--scale", "3", "--max-megapixels", "1")
        XCTAssertEqual(m.code, 2, m.stderr)
        XCTAssertTrue(m.stderr.contains("the output would be 1536 × 1440 pixels, over the limit of 1 megapixels"), m.stderr)
        m = try restore("run", Fixtures.repository + "/Samples/fruits.jpg", dir + "/big.png", "--max-megapixels", "0")
        XCTAssertEqual(m.code, 2, m.stderr)
        let r = try restore("run", Fixtures.path("im_rgba16.png"), dir + "/y.jpg", "--scale", "2")
        XCTAssertEqual(r.code, 2, r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/y.jpg"))
    }

    func testARequestedStageThatCannotRunIsAnError() throws {
        // No plugins at all (a copied binary without its data folder): the default preset's
        // denoise must fail, naming the stage and the paths searched (main: exit 0, not denoised).
        XCTAssertThrowsError(try Pipeline.plan(Request(), environment: .bare)) { e in
            let text = "\(e)"
            XCTAssertTrue(text.contains("denoise was asked for, but no denoise plugin is installed (searched: no plugin paths)"), text)
            XCTAssertTrue(text.contains("Plugins/README.md"), text)
            XCTAssertEqual(Failure(e)?.exitCode, 2)
        }
        var graded = Request()
        graded.denoise = "off"; graded.grade = "auto"
        XCTAssertThrowsError(try Pipeline.plan(graded, environment: .bare)) { e in
            XCTAssertTrue("\(e)".contains("grade was asked for, but no grade plugin is installed (searched: no plugin paths)"), "\(e)")
            XCTAssertEqual(Failure(e)?.exitCode, 2)
        }
    }

    func testCancellingTheTaskStopsBetweenTilesAndWritesNothing() async throws {
        let started = Cancellation()
        var request = Request()
        request.steps = [.denoise(sigma: "10")]
        request.tile = 16
        request.progress = { _ in started.cancel() }  // the first tile is done: cancel now
        let plan = try Pipeline.plan(request, environment: .builtIn)
        let out = dir + "/c.png"
        let task = Task { try await plan.run(input: Fixtures.repository + "/Samples/fruits.jpg", output: out) }
        while !started.isCancelled { try await Task.sleep(nanoseconds: 1_000_000) }
        task.cancel()
        do {
            _ = try await task.value
            XCTFail("the run finished although it was cancelled")
        } catch {
            XCTAssertEqual(Failure(error)?.exitCode, 130, "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }

    func testTheREADMEConfigExampleRunsAsWritten() throws {
        // The README's config block, saved beside the checkout's LUTs/ as its text says.
        let readme = try String(contentsOfFile: Fixtures.repository + "/README.md", encoding: .utf8)
        let section = readme.components(separatedBy: "## Config, presets and plugins")[1]
        let yaml = section.components(separatedBy: "```yaml\n")[1].components(separatedBy: "```")[0]
        XCTAssertTrue(yaml.contains("space: rec709"), yaml)
        try yaml.write(toFile: dir + "/restore.yaml", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: dir + "/LUTs", withDestinationPath: Fixtures.repository + "/LUTs")
        let out = dir + "/film.png"
        let r = try restore(Fixtures.path("pil_rgb8.png"), out, "--config", dir + "/restore.yaml")
        XCTAssertEqual(r.code, 0, r.stderr)
        let a = try ImageFiles.inspect(path: Fixtures.path("pil_rgb8.png")), b = try ImageFiles.inspect(path: out)
        XCTAssertEqual([b.width, b.height], [2 * a.width, 2 * a.height], "the film preset's ×2 ran")
        XCTAssertTrue(r.stderr.contains("denoise: σ"), r.stderr)
    }
}
