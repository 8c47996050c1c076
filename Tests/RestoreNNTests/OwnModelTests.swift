import Foundation
import RestoreNN
import RestoreTestSupport
import XCTest

/// Our shipped weights (Plugins/restore-*/weights.safetensors, made by Training/) reproduce
/// PyTorch's output on the golden pair the training script exported: max |Δ| ≤ 1e-4.
final class OwnModelTests: XCTestCase {

    func testShippedWeightsMatchPyTorch() throws {
        for (plugin, arch, scale, inC) in [("restore-sr-x2", Architecture.srvgg, 2, 3), ("restore-sr-x4", .srvgg, 4, 3), ("restore-denoise", .unet, 1, 6)] {
            let dir = Fixtures.repository + "/Plugins/" + plugin
            let input = Tensor(c: inC, h: 24, w: 24, data: try Fixtures.floats(dir + "/golden.in.f32"))
            let expected = try Fixtures.floats(dir + "/golden.out.f32")
            for backend in BackendChoice.allCases {
                let model = try LayerGraph(safetensors: dir + "/weights.safetensors", architecture: arch, backend: backend)
                let out = try model.run(input)
                XCTAssertEqual([out.c, out.h, out.w], [3, 24 * scale, 24 * scale], plugin)
                XCTAssertLessThanOrEqual(maxAbsDifference(out.data, expected), 1e-4, "\(plugin) \(backend)")
            }
        }
    }

    /// The grading predictor (Plugins/restore-grade, Training/train_grade.py) gives PyTorch's
    /// curves and LUT for the golden thumbnail, in both modes: max |Δ| ≤ 1e-4.
    func testShippedGradePredictorMatchesPyTorch() throws {
        let dir = Fixtures.repository + "/Plugins/restore-grade"
        for (mode, restores) in [("auto", true), ("match", false)] {
            let predictor = try GradePredictor(path: "\(dir)/\(mode).safetensors")
            XCTAssertEqual(predictor.restores, restores, mode)
            let g = try predictor.predict(try Fixtures.floats("\(dir)/golden-\(mode).in.f32"))
            let expected = try Fixtures.floats("\(dir)/golden-\(mode).out.f32")
            let ours = g.curves + g.lut
            XCTAssertEqual(ours.count, expected.count, mode)
            XCTAssertLessThanOrEqual(maxAbsDifference(ours, expected), 1e-4, mode)
        }
    }

    /// The thumbnail is the area average: on a side that is a multiple of the thumbnail's, the
    /// plain mean of each block (as PyTorch's adaptive_avg_pool2d, which the training used).
    func testGradeThumbnailIsTheBlockMean() {
        let (w, h, side) = (96, 64, 16)
        let samples = (0..<(3 * w * h)).map { Float(($0 * 7919) % 1000) / 999 }
        let thumb = samples.withUnsafeBufferPointer { GradePredictor.thumbnail($0, width: w, height: h, channels: 3, side: side) }
        var worst: Float = 0
        for c in 0..<3 { for ty in 0..<side { for tx in 0..<side {
            var sum: Float = 0
            for y in (ty * h / side)..<((ty + 1) * h / side) { for x in (tx * w / side)..<((tx + 1) * w / side) { sum += samples[(c * h + y) * w + x] } }
            let mean = sum / Float((w / side) * (h / side))
            worst = max(worst, abs(mean - thumb[(c * side + ty) * side + tx]))
        } } }
        XCTAssertLessThanOrEqual(worst, 1e-5)
        // An image smaller than the thumbnail: each of its pixels fills whole cells.
        let tiny: [Float] = [0.1, 0.5, 0.9, 0.3]  // one 2×2 plane
        let up = tiny.withUnsafeBufferPointer { GradePredictor.thumbnail($0, width: 2, height: 2, channels: 1, side: 8) }
        XCTAssertEqual(up[0], 0.1, accuracy: 1e-6); XCTAssertEqual(up[7], 0.5, accuracy: 1e-6)
        XCTAssertEqual(up[56], 0.9, accuracy: 1e-6); XCTAssertEqual(up[63], 0.3, accuracy: 1e-6)
    }

    /// The shipped predictor with these metadata entries replaced (nil: removed).
    func predictor(_ mode: String, _ metadata: [String: String?]) throws -> GradePredictor {
        let path = NSTemporaryDirectory() + "/meta-\(mode)-\(UUID().uuidString).safetensors"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Fixtures.safetensors(Fixtures.repository + "/Plugins/restore-grade/\(mode).safetensors", to: path, metadata: metadata)
        return try GradePredictor(path: path)
    }
    func predictor(_ mode: String, transferBlend: String?) throws -> GradePredictor { try predictor(mode, ["transfer_blend": transferBlend]) }

    /// `levels` (a levels stretch before the predicted grade, which makes a predictor a
    /// restoring one whether it sees 3 or 6 channels) is read; another value, or a blend beside
    /// it, is refused.
    func testLevelsAreValidated() throws {
        XCTAssertTrue(try predictor("match", ["levels": "minmax"]).restores)
        XCTAssertFalse(try predictor("match", ["levels": nil]).restores)
        XCTAssertTrue(try predictor("match", ["levels": "minmax"]).levels)
        XCTAssertFalse(try predictor("match", ["levels": nil]).levels)
        XCTAssertTrue(try predictor("auto", ["levels": "minmax"]).restores)
        XCTAssertThrowsError(try predictor("match", ["levels": "median"])) { XCTAssertTrue("\($0)".contains("'levels' must be 'minmax'"), "\($0)") }
        XCTAssertThrowsError(try predictor("match", ["levels": "minmax", "transfer_blend": "0.5"])) { XCTAssertTrue("\($0)".contains("transfer_blend"), "\($0)") }
    }

    /// `body` (1×1 stride-1 convolutions: `pointwise`) must agree with the kernels the file has.
    func testBodyIsValidated() throws {
        XCTAssertThrowsError(try predictor("match", ["body": "pointwise"])) { XCTAssertTrue("\($0)".contains("not a 1×1 convolution"), "\($0)") }
        XCTAssertThrowsError(try predictor("match", ["body": "dilated"])) { XCTAssertTrue("\($0)".contains("'body' must be 'pointwise'"), "\($0)") }
    }

    /// `transfer_blend` (the share of the MKL transfer in a match grade) is read, and refused
    /// outside 0…1, when not a number, or in a restore (3-channel) predictor.
    func testTransferBlendIsValidated() throws {
        XCTAssertEqual(try predictor("match", transferBlend: "0.5").transferBlend, 0.5)
        XCTAssertEqual(try predictor("match", transferBlend: nil).transferBlend, 0)
        for bad in ["1.5", "-0.1", "nan", "inf", "half"] {
            XCTAssertThrowsError(try predictor("match", transferBlend: bad), bad) { XCTAssertTrue("\($0)".contains("transfer_blend"), "\($0)") }
        }
        XCTAssertThrowsError(try predictor("auto", transferBlend: "0.5")) { XCTAssertTrue("\($0)".contains("only in a match"), "\($0)") }
    }
}
