import Foundation
@testable import Restore
import RestoreCore
import RestoreIO
import RestorePlugins
import RestoreTestSupport
import XCTest

/// Presets and command-line overrides, and the network commands end to end through the built
/// binary: depth, alpha and profile survive `upscale`, `restore IN OUT` runs the default preset,
/// plugins and presets come from the config.
final class PipelineTests: XCTestCase {
    var dir = ""
    override func setUp() { dir = Fixtures.temporaryDirectory() }
    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }
    enum cli { static func restore(_ args: String...) throws -> CLITests.Result { try CLITests.run(args) } }
    static let modelsFetched = FileManager.default.fileExists(atPath: Fixtures.repository + "/.cache/plugins/realesr-animevideov3-x2/plugin.yaml")

    func requireModels() throws {
        if !Self.modelsFetched { throw XCTSkip("third-party models not fetched; run: bash Tools/fetch_models.sh") }
    }

    func info(_ path: String) throws -> [String: Any] {
        let r = try cli.restore("info", path, "--json")
        XCTAssertEqual(r.code, 0, r.stderr)
        return try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
    }

    func testOverridesOnAPreset() throws {
        var config = Config.builtIn(bundled: [])
        config.presets.append(Preset(name: "p", steps: [PresetStep(stage: .denoise, settings: ["sigma": "auto"]),
                                                        PresetStep(stage: .lut, settings: ["file": "a.cube"])]))
        func steps(_ edit: (inout Request) -> Void) throws -> [String] {
            var r = Request()
            r.preset = "p"
            edit(&r)
            return try Pipeline.steps(for: r, config: config).map { s in
                let settings = s.settings.sorted { $0.key < $1.key }.filter { $0.key != "interp" && $0.key != "strength" }
                return s.stage.rawValue + (s.plugin.map { "[\($0)]" } ?? "") + settings.map { ":\($0.value)" }.joined()
            }
        }
        XCTAssertEqual(try steps { _ in }, ["denoise:auto", "lut:a.cube"])
        XCTAssertEqual(try steps { $0.denoise = "off" }, ["lut:a.cube"])
        XCTAssertEqual(try steps { $0.denoise = "12" }, ["denoise:12", "lut:a.cube"])
        XCTAssertEqual(try steps { $0.scale = 2 }, ["denoise:auto", "upscale:2", "lut:a.cube"], "upscaling goes after denoising")
        XCTAssertEqual(try steps { $0.scale = 2; $0.model = "sr" }, ["denoise:auto", "upscale[sr]:2", "lut:a.cube"], "--model names the upscaler")
        XCTAssertEqual(try steps { $0.model = "dn" }, ["denoise[dn]:auto", "lut:a.cube"], "…else the denoiser")
        XCTAssertEqual(try steps { $0.grade = "auto"; $0.luts = [.lut("b.cube")] }, ["denoise:auto", "lut:a.cube", "grade:auto", "lut:b.cube"])
        XCTAssertEqual(try steps { $0.grade = "match:ref.png" }, ["denoise:auto", "lut:a.cube", "grade:match:ref.png"])
        XCTAssertEqual(try steps { $0.scale = 1; $0.denoise = "off" }, ["lut:a.cube"])
        XCTAssertThrowsError(try steps { $0.scale = 9 })
        XCTAssertThrowsError(try steps { $0.denoise = "off"; $0.model = "x" }) { e in
            XCTAssertTrue((e as! OptionError).message.contains("--model needs an upscale or denoise step"))
        }
    }

    func testUpscaleKeepsDepthAlphaAndProfile() throws {
        try requireModels()
        // 16-bit RGBA TIFF (37×23, alpha 546…64444): ×2 by the network, ×3 by resampling its result.
        let input = Fixtures.path("tf_u16_c4.tif")
        let out = dir + "/up.tif", out3 = dir + "/up3.png"
        var r = try cli.restore("upscale", input, out, "--model", "realesr-animevideov3-x2", "--tile", "16")
        XCTAssertEqual(r.code, 0, r.stderr)
        var o = try info(out)
        XCTAssertEqual([o["width"] as? Int, o["height"] as? Int], [74, 46])
        XCTAssertEqual(o["bits"] as? Int, 16)
        XCTAssertEqual(o["has_alpha"] as? Bool, true)
        r = try cli.restore("upscale", input, out3, "--model", "realesr-animevideov3-x2", "--scale", "3")
        XCTAssertEqual(r.code, 0, r.stderr)
        o = try info(out3)
        XCTAssertEqual([o["width"] as? Int, o["height"] as? Int], [111, 69])
        XCTAssertEqual(o["bits"] as? Int, 16)
        // Alpha: resized on its own with Lanczos-3, matching ImageMagick's (Tests/Fixtures/
        // make_resample_goldens.sh; IM's 16-bit build clips between its two passes, so a few
        // pixels of this random alpha differ by up to 0.06, the mean by < 2e-4).
        for (path, factor) in [(out, 200), (out3, 300)] {
            let golden = try ImageFiles.read(path: Fixtures.root + "/resample/tf_u16_c4_alpha_lanczos_\(factor).tif")
            let up = try ImageFiles.read(path: path)
            let alpha = Array(up.samples[(3 * up.planeSize)...])
            XCTAssertEqual(alpha.count, golden.samples.count)
            let diffs = zip(alpha, golden.samples).map { abs($0 - $1) }
            XCTAssertLessThan(diffs.reduce(0, +) / Float(diffs.count), 2e-4, "\(factor)%")
            XCTAssertLessThan(diffs.max()!, 0.06, "\(factor)%")
        }
        // An Adobe RGB 16-bit TIFF stays Adobe RGB and 16-bit, and its colours stay put.
        let adobe = dir + "/adobe.tif"
        r = try cli.restore("upscale", Fixtures.path("tf_u16_rgb_adobe_icc.tif"), adobe, "--model", "realesr-animevideov3-x2")
        XCTAssertEqual(r.code, 0, r.stderr)
        o = try info(adobe)
        XCTAssertEqual(o["icc"] as? String, "Compatible with Adobe RGB (1998)")
        XCTAssertEqual(o["bits"] as? Int, 16)
        let a = try ImageFiles.read(path: Fixtures.path("tf_u16_rgb_adobe_icc.tif")), b = try ImageFiles.read(path: adobe)
        var meanIn: Float = 0, meanOut: Float = 0
        for c in 0..<3 { for y in 0..<a.height { for x in 0..<a.width { meanIn += a[x, y, c] } } }
        for c in 0..<3 { for y in 0..<b.height { for x in 0..<b.width { meanOut += b[x, y, c] / 4 } } }
        XCTAssertEqual(meanOut / meanIn, 1, accuracy: 0.03, "the network ran in sRGB and the result went back to Adobe RGB")
    }

    func testEveryFamilyMatchesTheNCNNToolWithinOneLevel() throws {
        // Tests/Fixtures/make_nn_image_goldens.sh: the ncnn runtime with each tool's pre/post-
        // processing on a 40×40 photo crop; restore's 8-bit output must be within one level.
        try requireModels()
        let dirIn = Fixtures.root + "/nn/images"
        for (command, id) in [("upscale", "realesr-animevideov3-x2"), ("upscale", "realesrgan-x4plus-anime"),
                              ("upscale", "waifu2x-upconv7-photo-noise1-scale2"), ("upscale", "waifu2x-cunet-noise0-scale2"),
                              ("denoise", "waifu2x-cunet-noise2")] {
            let out = dir + "/\(id).png"
            let r = try cli.restore(command, dirIn + "/input.png", out, "--model", id, "--depth", "8")
            XCTAssertEqual(r.code, 0, r.stderr)
            let ours = try ImageFiles.read(path: out), golden = try ImageFiles.read(path: dirIn + "/\(id).png")
            XCTAssertEqual([ours.width, ours.height], [golden.width, golden.height], id)
            let worst = zip(ours.samples, golden.samples).map { abs(($0 - $1) * 255).rounded() }.max() ?? 99
            XCTAssertLessThanOrEqual(worst, 1, "\(id): \(worst) levels from the ncnn tool's output")
        }
    }

    func testOwnAndONNXModelsThroughTheCLI() throws {
        // Our shipped ×2 model is the default for --scale 2 (no third-party models needed).
        let out = dir + "/own.png"
        var r = try cli.restore("upscale", Fixtures.path("im_rgba16.png"), out, "--scale", "2")
        XCTAssertEqual(r.code, 0, r.stderr)
        var o = try info(out)
        XCTAssertEqual(o["bits"] as? Int, 16)
        XCTAssertEqual(o["has_alpha"] as? Bool, true)
        let src = try info(Fixtures.path("im_rgba16.png"))
        XCTAssertEqual(o["width"] as? Int, 2 * (src["width"] as! Int))
        // An ONNX file as --model, and a bare .safetensors is refused with the reason.
        r = try cli.restore("upscale", Fixtures.path("im_rgba16.png"), dir + "/onnx.tif", "--model", Fixtures.root + "/onnx/espcn-x2.onnx")
        XCTAssertEqual(r.code, 0, r.stderr)
        o = try info(dir + "/onnx.tif")
        XCTAssertEqual(o["width"] as? Int, 2 * (src["width"] as! Int))
        r = try cli.restore("upscale", Fixtures.path("im_rgba16.png"), dir + "/x.tif", "--model", Fixtures.root + "/onnx/espcn-x2.safetensors")
        XCTAssertNotEqual(r.code, 0)
        XCTAssertTrue(r.stderr.contains("needs a plugin.yaml naming it"), r.stderr)
    }

    func testDenoiseAndTheDefaultPreset() throws {
        // Our non-blind denoiser is the default; with the waifu2x models fetched, --model
        // picks one of those instead.
        let out = dir + "/d.png"
        var r = try cli.restore("denoise", Fixtures.path("im_rgba16.png"), out, "--sigma", "10")
        XCTAssertEqual(r.code, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("denoise: σ 10.0: restore-denoise"), r.stderr)
        XCTAssertEqual(try info(out)["bits"] as? Int, 16)
        // restore IN OUT: the default preset (denoise auto) on a bundled sample.
        let sample = dir + "/sample.png"
        r = try cli.restore(Fixtures.repository + "/Samples/fruits.jpg", sample)
        XCTAssertEqual(r.code, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("denoise: σ ≈"), r.stderr)
        let o = try info(sample)
        XCTAssertEqual([o["width"] as? Int, o["bits"] as? Int], [512, 8])
        // --denoise off --scale 1 is a plain conversion: pixels unchanged.
        let plain = dir + "/plain.png"
        r = try cli.restore(Fixtures.path("im_rgba16.png"), plain, "--denoise", "off")
        XCTAssertEqual(r.code, 0, r.stderr)
        XCTAssertEqual(try ImageFiles.read(path: plain).samples, try ImageFiles.read(path: Fixtures.path("im_rgba16.png")).samples)
    }

    func testDefaultDenoiserRemovesGaussianNoise() throws {
        // The bundled sample with Gaussian noise of σ 25 (8-bit levels; fixed seed, clipped and
        // rounded as in Benchmarks/quality.py): our denoiser must gain ≥ 8 dB RGB PSNR with the
        // true σ, and --sigma auto must land within 0.3 dB of that (issue #5's bound).
        let clean = try ImageFiles.read(path: Fixtures.repository + "/Samples/fruits.jpg")
        var state: UInt64 = 25
        func uniform() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return (Double(state >> 11) + 0.5) / Double(1 << 53)
        }
        var noisy = clean
        for i in noisy.samples.indices {
            let n = (-2 * log(uniform())).squareRoot() * cos(2 * Double.pi * uniform())
            noisy.samples[i] = Float((min(max((Double(clean.samples[i]) * 255 + 25 * n).rounded(), 0), 255)) / 255)
        }
        try ImageFiles.write(noisy, to: dir + "/noisy.png", options: EncodeOptions(depth: .uint8))
        func psnr(_ path: String) throws -> Double {
            let a = try ImageFiles.read(path: path).samples
            let mse = zip(a, clean.samples).reduce(0.0) { $0 + pow(Double($1.0 - $1.1) * 255, 2) } / Double(a.count)
            return 10 * log10(255 * 255 / mse)
        }
        var scores: [String: Double] = [:]
        for sigma in ["25", "auto"] {
            let r = try cli.restore("denoise", dir + "/noisy.png", dir + "/\(sigma).png", "--sigma", sigma)
            XCTAssertEqual(r.code, 0, r.stderr)
            scores[sigma] = try psnr(dir + "/\(sigma).png")
        }
        let before = try psnr(dir + "/noisy.png")
        XCTAssertGreaterThanOrEqual(scores["25"]!, before + 8, "noisy \(before) dB, denoised \(scores)")
        XCTAssertEqual(scores["auto"]!, scores["25"]!, accuracy: 0.3, "--sigma auto against the true σ")
    }

    func testNoiseEstimateLeavesClippedPixelsOut() {
        // Half the image near white (most of its noisy pixels clip at 255), half mid-grey;
        // σ 25 in 8-bit levels. Counting the clipped half read σ ≈ 19.
        var state: UInt64 = 7
        func uniform() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return (Double(state >> 11) + 0.5) / Double(1 << 53)
        }
        let (w, h) = (256, 256)
        var image = Image(width: w, height: h, colorChannels: 3, hasAlpha: false)
        for i in image.samples.indices {
            let clean = i % w < w / 2 ? 250.0 : 128.0
            let n = (-2 * log(uniform())).squareRoot() * cos(2 * Double.pi * uniform())
            image.samples[i] = Float(min(max((clean + 25 * n).rounded(), 0), 255) / 255)
        }
        XCTAssertEqual(NoiseEstimate.sigma(of: image), 25, accuracy: 1.5)
    }

    func testConfigPresetsAndNativePluginsThroughTheCLI() throws {
        // A studio config: its own plugin folder (a LUT plugin) and a preset using it and the
        // bundled native vignette.
        let plugins = dir + "/studio-plugins/warm"
        try FileManager.default.createDirectory(atPath: plugins, withIntermediateDirectories: true)
        try "LUT_1D_SIZE 2\n0 0 0\n1 0.9 0.8\n".write(toFile: plugins + "/warm.cube", atomically: true, encoding: .utf8)
        try "id: warm\nkind: lut\nstage: grade\nfiles: {lut: warm.cube}\ndescription: warm look\n".write(toFile: plugins + "/plugin.yaml", atomically: true, encoding: .utf8)
        let config = dir + "/restore.yaml"
        try """
            plugin_paths: [studio-plugins]
            presets:
              look:
                - grade: {plugin: warm}
                - filter: {plugin: vignette, strength: 0.5}
            default_preset: look
            """.write(toFile: config, atomically: true, encoding: .utf8)
        var r = try cli.restore("plugins", "list", "--json", "--config", config)
        XCTAssertEqual(r.code, 0, r.stderr)
        let list = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [[String: Any]]
        XCTAssertEqual(list.first?["id"] as? String, "warm", "the config's paths come first")
        XCTAssertTrue(list.contains { $0["id"] as? String == "vignette" && $0["kind"] as? String == "native" && $0["stage"] as? String == "filter" })
        XCTAssertTrue(list.allSatisfy { $0["path"] is String })
        r = try cli.restore("plugins", "list", "--config", config)
        XCTAssertTrue(r.stdout.contains("look (default): grade {plugin: warm} → filter {plugin: vignette, strength: 0.5}"), r.stdout)

        let input = Fixtures.path("tf_u16_c4.tif"), out = dir + "/look.tif"
        r = try cli.restore(input, out, "--config", config)
        XCTAssertEqual(r.code, 0, r.stderr)
        let a = try ImageFiles.read(path: input), b = try ImageFiles.read(path: out)
        XCTAssertEqual(b[18, 11, 0], a[18, 11, 0], accuracy: 2e-3, "red passes the LUT, the centre escapes the vignette")
        XCTAssertEqual(b[18, 11, 2], a[18, 11, 2] * 0.8, accuracy: 2e-3, "blue ×0.8 by the LUT")
        XCTAssertLessThan(b[0, 0, 0], a[0, 0, 0] * 0.9, "corners darkened")
        XCTAssertEqual(b[0, 0, 3], a[0, 0, 3], "alpha untouched")

        r = try cli.restore(input, dir + "/x.tif", "--config", config, "--preset", "nope")
        XCTAssertEqual(r.code, 2)
        XCTAssertTrue(r.stderr.contains("unknown preset 'nope' (presets: default, clean, upscale2, upscale4, look)"), r.stderr)
        r = try cli.restore("upscale", input, dir + "/x.tif", "--model", "no-such-model")
        XCTAssertEqual(r.code, 2)
        XCTAssertTrue(r.stderr.contains("unknown plugin 'no-such-model' (upscale plugins:"), r.stderr)
        try "presets: {look: [{lut: {plugin: nope}}]}\n".write(toFile: config, atomically: true, encoding: .utf8)
        r = try cli.restore(input, dir + "/x.tif", "--config", config, "--preset", "look")
        XCTAssertEqual(r.code, 2)
        XCTAssertTrue(r.stderr.contains("unknown plugin 'nope' (lut plugins:"), r.stderr)
        try "presets: {look: [{sharpen: {}}]}\n".write(toFile: config, atomically: true, encoding: .utf8)
        r = try cli.restore(input, dir + "/x.tif", "--config", config)
        XCTAssertEqual(r.code, 2)
        XCTAssertTrue(r.stderr.contains("restore.yaml: line 1: unknown stage 'sharpen'"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/x.tif"))
    }

    func testValidateAndBrokenPlugins() throws {
        var r = try cli.restore("plugins", "validate", Fixtures.repository + "/Plugins/vignette")
        XCTAssertEqual(r.code, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("ok (native plugin 'vignette' for stage filter)"))
        for id in ["restore-denoise", "restore-sr-x2", "restore-sr-x4", "restore-grade"] {
            r = try cli.restore("plugins", "validate", Fixtures.repository + "/Plugins/" + id)
            XCTAssertEqual(r.code, 0, "\(id): \(r.stderr)")
        }
        XCTAssertTrue(r.stdout.contains("match: 6 channels of a 64² thumbnail"), r.stdout)
        let broken = dir + "/broken"
        try FileManager.default.createDirectory(atPath: broken, withIntermediateDirectories: true)
        try "id: broken\nkind: model\nstage: upscale\nformat: ncnn\nfiles: {param: gone.param}\n".write(toFile: broken + "/plugin.yaml", atomically: true, encoding: .utf8)
        r = try cli.restore("plugins", "validate", broken + "/plugin.yaml")
        XCTAssertEqual(r.code, 3)
        XCTAssertTrue(r.stderr.contains("broken/plugin.yaml: line 5: file 'param' not found"), r.stderr)
        try "plugin_paths: [\(dir)]\n".write(toFile: dir + "/c.yaml", atomically: true, encoding: .utf8)
        r = try cli.restore("plugins", "list", "--config", dir + "/c.yaml")
        XCTAssertEqual(r.code, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("warning: \(broken)/plugin.yaml: skipped: line 5: file 'param' not found"), r.stderr)
        XCTAssertTrue(r.stdout.contains("vignette"), "the others still load")
    }
}
