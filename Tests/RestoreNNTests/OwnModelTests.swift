import Foundation
import RestoreNN
import RestoreTestSupport
import XCTest

/// Our shipped weights (Plugins/restore-*/weights.safetensors, made by Training/) reproduce
/// PyTorch's output on the golden pair the training script exported: max |Δ| ≤ 1e-4.
final class OwnModelTests: XCTestCase {

    func testShippedWeightsMatchPyTorch() throws {
        for (plugin, arch, scale, inC) in [("restore-sr-x2", Architecture.srvgg, 2, 3), ("restore-sr-x4", .srvgg, 4, 3), ("restore-denoise", .unet, 1, 4)] {
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
}
