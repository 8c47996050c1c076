import Foundation
import RestoreNN
import RestoreTestSupport
import XCTest

/// Geometry found by shape inference, and the tiling properties: a tiled run equals the
/// whole-image run (≤ 1e-5) whenever the halo covers the receptive field, whatever the tile
/// size, and blended tiles stay close to it when it does not.
final class TilingTests: XCTestCase {
    static let models = Fixtures.repository + "/.cache/models"

    func model(_ name: String) throws -> NCNNModel {
        let path = Self.models + "/" + name + ".param"
        guard FileManager.default.fileExists(atPath: path) else { throw XCTSkip("ncnn models not fetched; run: bash Tools/fetch_models.sh") }
        return try NCNNModel(param: path)
    }

    /// A smooth, noisy test image (deterministic).
    func image(c: Int = 3, h: Int, w: Int, seed: UInt64 = 1) -> Tensor {
        var rng = seed
        var t = Tensor(c: c, h: h, w: w)
        for i in t.data.indices {
            rng = rng &* 6364136223846793005 &+ 1442695040888963407
            let (ch, y, x) = (i / (h * w), (i / w) % h, i % w)
            t.data[i] = 0.5 + 0.35 * sin(Float(x) * 0.21 + Float(ch)) * cos(Float(y) * 0.17) + Float(rng >> 40) / Float(1 << 24) * 0.1
        }
        return t
    }

    func testGeometryOfThePublishedFamilies() throws {
        let cases: [(String, scale: Int, shrink: Int, alignment: Int)] = [
            ("realesrgan/realesr-animevideov3-x4", 4, 0, 1),
            ("realesrgan/realesr-animevideov3-x3", 3, 0, 1),
            ("realesrgan/realesrgan-x4plus", 4, 0, 1),
            ("waifu2x/models-upconv_7_photo/noise2_scale2.0x_model", 2, 7, 1),
            ("waifu2x/models-cunet/noise1_scale2.0x_model", 2, 18, 2),
            ("waifu2x/models-cunet/noise3_model", 1, 28, 4),
        ]
        for c in cases {
            let g = try TiledExecutor(network: try model(c.0)).geometry
            XCTAssertEqual([g.inChannels, g.outChannels, g.scale, g.shrink, g.alignment], [3, 3, c.scale, c.shrink, c.alignment], c.0)
            XCTAssertGreaterThan(g.bytesPerPixel, 100, c.0)
        }
        let srvgg = try TiledExecutor(network: try model("realesrgan/realesr-animevideov3-x4")).geometry
        XCTAssertEqual(srvgg.radius, 18, accuracy: 0.01, "18 3×3 convolutions at ×1; the pixel shuffle adds none")
        XCTAssertTrue(try TiledExecutor(network: try model("realesrgan/realesrgan-x4plus")).geometry.radius > 100)
        XCTAssertEqual(try TiledExecutor(network: try model("waifu2x/models-cunet/noise0_model")).geometry.radius, .infinity,
                       "cunet's squeeze-excitation pools globally")
    }

    func testTiledEqualsWholeWhenTheHaloCoversTheField() throws {
        for (name, size) in [("realesrgan/realesr-animevideov3-x2", (37, 53)), ("waifu2x/models-upconv_7_photo/noise1_scale2.0x_model", (30, 41))] {
            let exec = try TiledExecutor(network: try model(name))
            let input = image(h: size.0, w: size.1)
            var whole = TilingOptions(); whole.tile = 1000
            let reference = try exec.run(input, options: whole)
            XCTAssertEqual([reference.h, reference.w], [size.0 * exec.geometry.scale, size.1 * exec.geometry.scale])
            for tile in [13, 16, 24] {
                for threads in [1, 2] {
                    var o = TilingOptions(); o.tile = tile; o.threads = threads
                    XCTAssertTrue(exec.plan(width: size.1, height: size.0, options: o).exact)
                    let tiled = try exec.run(input, options: o)
                    XCTAssertLessThanOrEqual(maxAbsDifference(tiled.data, reference.data), 1e-5, "\(name) tile \(tile) threads \(threads)")
                }
            }
        }
    }

    func testUNetTilesSampleTheWholeImageGrid() throws {
        // A three-level U-Net (two stride-2 steps: sides in multiples of 4) on a 37×53 image:
        // tiles of any size start on the whole image's 4-pixel grid and pad their ends as the
        // whole image does, so with the halo covering the field nothing changes.
        let path = Fixtures.root + "/onnx/unet-noisemap.safetensors"
        let exec = try TiledExecutor(network: try LayerGraph(safetensors: path, architecture: .unet))
        XCTAssertEqual(exec.geometry.alignment, 4)
        let input = image(h: 37, w: 53), sigma: [Float] = [25 / 255]
        var whole = TilingOptions(); whole.tile = 1000
        let reference = try exec.run(input, extraPlanes: .constant(sigma), options: whole)
        XCTAssertEqual([reference.c, reference.h, reference.w], [3, 37, 53])
        for tile in [13, 16, 22] {
            var o = TilingOptions(); o.tile = tile
            XCTAssertTrue(exec.plan(width: 53, height: 37, options: o).exact)
            let tiled = try exec.run(input, extraPlanes: .constant(sigma), options: o)
            XCTAssertLessThanOrEqual(maxAbsDifference(tiled.data, reference.data), 1e-5, "tile \(tile)")
        }
    }

    func testPerPixelPlanesDoNotDependOnTheTiles() throws {
        // A noise plane computed from each pixel's colour (as restore's noise map is) is
        // computed on every tile's window, edge repeats included: tiles change nothing.
        let path = Fixtures.root + "/onnx/unet-noisemap.safetensors"
        let exec = try TiledExecutor(network: try LayerGraph(safetensors: path, architecture: .unet))
        let input = image(h: 37, w: 53)
        let map = ExtraPlanes(count: 1) { colour, channels, n, into in
            for i in 0..<n { into[i] = (5 + 40 * colour[i] * colour[2 * n + i]) / 255 }
            XCTAssertEqual(channels, 3)
        }
        var whole = TilingOptions(); whole.tile = 1000
        let reference = try exec.run(input, extraPlanes: map, options: whole)
        let constant = try exec.run(input, extraPlanes: .constant([25 / 255]), options: whole)
        XCTAssertGreaterThan(maxAbsDifference(reference.data, constant.data), 1e-3, "the map reaches the network")
        for tile in [13, 22] {
            var o = TilingOptions(); o.tile = tile
            let tiled = try exec.run(input, extraPlanes: map, options: o)
            XCTAssertLessThanOrEqual(maxAbsDifference(tiled.data, reference.data), 1e-5, "tile \(tile)")
        }
    }

    func testWaifu2xBordersRepeatTheEdgePixels() throws {
        // waifu2x pads the whole image with its edge pixels by the network's border before
        // running it: one run on that padded image must equal our tiled run.
        let m = try model("waifu2x/models-upconv_7_photo/noise1_scale2.0x_model")
        let exec = try TiledExecutor(network: m)
        let p = exec.geometry.shrink
        let input = image(h: 20, w: 26)
        var padded = Tensor(c: 3, h: 20 + 2 * p, w: 26 + 2 * p)
        for c in 0..<3 { for y in 0..<padded.h { for x in 0..<padded.w {
            padded[c, y, x] = input[c, min(max(y - p, 0), 19), min(max(x - p, 0), 25)]
        } } }
        let direct = try m.run(padded)
        var o = TilingOptions(); o.tile = 9
        XCTAssertLessThanOrEqual(maxAbsDifference(try exec.run(input, options: o).data, direct.data), 1e-5)
    }

    func testCunetTilesAreBlended() throws {
        // Squeeze-excitation averages over the whole tile, so tiles cannot be exact (the
        // waifu2x tools accept this too); the plan cross-fades them and stays close.
        let exec = try TiledExecutor(network: try model("waifu2x/models-cunet/noise0_scale2.0x_model"))
        let input = image(h: 45, w: 38)
        var whole = TilingOptions(); whole.tile = 1000
        let reference = try exec.run(input, options: whole)
        var o = TilingOptions(); o.tile = 20
        let plan = exec.plan(width: 38, height: 45, options: o)
        XCTAssertFalse(plan.exact)
        XCTAssertEqual(plan.blend, 8)
        XCTAssertLessThan(maxAbsDifference(try exec.run(input, options: o).data, reference.data), 0.03)
    }

    func testBlendedTilesStayCloseWhenTheFieldIsWider() throws {
        // A halo smaller than the receptive field: tiles differ from the whole run only a
        // little, and smoothly (no step at the tile boundaries).
        let exec = try TiledExecutor(network: try model("realesrgan/realesr-animevideov3-x2"))
        let input = image(h: 48, w: 48, seed: 3)
        var whole = TilingOptions(); whole.tile = 48
        let reference = try exec.run(input, options: whole)
        var o = TilingOptions(); o.tile = 16; o.halo = 4; o.blend = 4
        let plan = exec.plan(width: 48, height: 48, options: o)
        XCTAssertFalse(plan.exact)
        XCTAssertEqual(plan.count, 9)
        let tiled = try exec.run(input, options: o)
        let diff = maxAbsDifference(tiled.data, reference.data)
        XCTAssertGreaterThan(diff, 1e-6, "a 4-pixel halo cannot see the 17-pixel field")
        XCTAssertLessThan(diff, 0.05)
    }

    func testTileSizeFollowsTheMemoryBudget() throws {
        let exec = try TiledExecutor(network: try model("realesrgan/realesrgan-x4plus"))
        var o = TilingOptions()
        o.memoryBudget = 256 << 20
        let small = exec.plan(width: 1920, height: 1080, options: o)
        o.memoryBudget = 1 << 30
        let large = exec.plan(width: 1920, height: 1080, options: o)
        XCTAssertLessThan(small.tile, large.tile)
        let margin = Double(large.tile + 2 * (large.halo + large.blend))
        XCTAssertLessThanOrEqual(margin * margin * exec.geometry.bytesPerPixel, Double(1 << 30))
        XCTAssertGreaterThan(large.count, 1)
    }

    func testWrongChannelCountIsAShapeError() throws {
        let exec = try TiledExecutor(network: try model("realesrgan/realesr-animevideov3-x2"))
        XCTAssertThrowsError(try exec.run(image(c: 1, h: 8, w: 8))) { e in
            XCTAssertEqual((e as? NNError)?.reason, .shape)
        }
    }
}
