import Foundation
import RestoreNN
import RestoreTestSupport
import XCTest

/// The published Real-ESRGAN and waifu2x ncnn models run by our reference backend against
/// the official ncnn runtime's output on the same input (Tests/Fixtures/make_nn_goldens.py):
/// max |Δ| ≤ 1e-4. Needs the models (bash Tools/fetch_models.sh); skipped when absent.
final class NCNNGoldenTests: XCTestCase {
    static let models = Fixtures.repository + "/.cache/models"
    static let dir = Fixtures.root + "/nn"


    func testEveryModelFamilyMatchesNCNN() throws {
        guard FileManager.default.fileExists(atPath: Self.models + "/realesrgan/realesr-animevideov3-x4.param") else {
            throw XCTSkip("ncnn models not fetched; run: bash Tools/fetch_models.sh")
        }
        let rows = try String(contentsOfFile: Self.dir + "/manifest.tsv", encoding: .utf8)
            .split(separator: "\n").filter { !$0.hasPrefix("#") }.map { $0.split(separator: "\t").map(String.init) }
        XCTAssertGreaterThanOrEqual(rows.count, 8)
        for r in rows { for backend in BackendChoice.allCases {
            let model = try NCNNModel(param: Self.models + "/" + r[1] + ".param", backend: backend)
            XCTAssertEqual(model.inputBlob, r[2], r[0])
            XCTAssertEqual(model.outputBlob, r[3], r[0])
            let input = Tensor(c: Int(r[4])!, h: Int(r[5])!, w: Int(r[6])!, data: try Fixtures.floats(Self.dir + "/\(r[0]).in.f32"))
            let out = try model.run(input)
            XCTAssertEqual([out.c, out.h, out.w], [Int(r[7])!, Int(r[8])!, Int(r[9])!], r[0])
            let diff = maxAbsDifference(out.data, try Fixtures.floats(Self.dir + "/\(r[0]).out.f32"))
            XCTAssertLessThanOrEqual(diff, 1e-4, "\(r[0]) \(backend): max |Δ| \(diff) against ncnn")
        } }
    }
}
