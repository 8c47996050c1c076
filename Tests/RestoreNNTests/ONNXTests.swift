import Foundation
import RestoreNN
import RestoreTestSupport
import XCTest

/// ONNX models exported from PyTorch (Training/make_onnx_goldens.py: SRVGGNetCompact ×4,
/// ESPCN ×2, a DnCNN and a three-level residual U-Net with a noise-level plane), and the same weights as .safetensors built by
/// our architectures, run by both backends against PyTorch's own output: max |Δ| ≤ 1e-4.
/// The files are small and committed.
final class ONNXTests: XCTestCase {
    static let dir = Fixtures.root + "/onnx"


    func testPyTorchExportsMatchPyTorch() throws {
        let rows = try String(contentsOfFile: Self.dir + "/manifest.tsv", encoding: .utf8)
            .split(separator: "\n").filter { !$0.hasPrefix("#") }.map { $0.split(separator: "\t").map(String.init) }
        XCTAssertEqual(rows.count, 4)
        for r in rows {
            let input = Tensor(c: Int(r[1])!, h: Int(r[2])!, w: Int(r[3])!, data: try Fixtures.floats(Self.dir + "/\(r[0]).in.f32"))
            let expected = try Fixtures.floats(Self.dir + "/\(r[0]).out.f32")
            for backend in BackendChoice.allCases {
                let model = try LayerGraph(onnx: Self.dir + "/\(r[0]).onnx", backend: backend)
                let out = try model.run(input)
                XCTAssertEqual([out.c, out.h, out.w], [Int(r[4])!, Int(r[5])!, Int(r[6])!], r[0])
                let diff = maxAbsDifference(out.data, expected)
                XCTAssertLessThanOrEqual(diff, 1e-4, "\(r[0]) \(backend): max |Δ| \(diff) against PyTorch")
            }
            let arch = Architecture(rawValue: String(r[0].prefix { $0 != "-" }))!
            for backend in BackendChoice.allCases {
                let model = try LayerGraph(safetensors: Self.dir + "/\(r[0]).safetensors", architecture: arch, backend: backend)
                let diff = maxAbsDifference(try model.run(input).data, expected)
                XCTAssertLessThanOrEqual(diff, 1e-4, "\(r[0]) safetensors \(backend): max |Δ| \(diff) against PyTorch")
            }
            // The tiled executor finds the geometry of an ONNX graph like any other.
            let g = try TiledExecutor(network: try LayerGraph(onnx: Self.dir + "/\(r[0]).onnx")).geometry
            XCTAssertEqual(g.scale, Int(r[5])! / Int(r[2])!, r[0])
            XCTAssertEqual(g.inChannels, Int(r[1])!, r[0])
            XCTAssertEqual(g.alignment, r[0].hasPrefix("unet") ? 4 : 1, "\(r[0]): two 2×2 stride-2 steps down need sides in multiples of 4")
        }
    }

    func testUnsupportedOpsAndBadFilesNameTheProblem() throws {
        XCTAssertThrowsError(try LayerGraph(onnx: Self.dir + "/unsupported.onnx")) { e in
            let err = e as! NNError
            XCTAssertEqual(err.reason, .unsupportedLayer)
            XCTAssertEqual(err.path, Self.dir + "/unsupported.onnx")
            XCTAssertTrue(err.message.contains("Softmax 'soft': op type 'Softmax'"), err.message)
        }
        XCTAssertThrowsError(try LayerGraph(onnx: Self.dir + "/manifest.tsv")) { e in
            XCTAssertEqual((e as! NNError).reason, .syntax)
        }
        XCTAssertThrowsError(try LayerGraph(onnx: Self.dir + "/missing.onnx")) { e in
            XCTAssertEqual((e as! NNError).reason, .unreadable)
        }
        // Weights that do not fit the architecture say which tensor is missing or wrong.
        XCTAssertThrowsError(try LayerGraph(safetensors: Self.dir + "/srvgg-x4.safetensors", architecture: .espcn)) { e in
            XCTAssertEqual((e as! NNError).message, "no tensor 'c1.weight' (the architecture needs it)")
        }
        XCTAssertThrowsError(try LayerGraph(safetensors: Self.dir + "/srvgg-x4.onnx", architecture: .srvgg)) { e in
            XCTAssertEqual((e as! NNError).reason, .badWeights)
        }
    }
}
