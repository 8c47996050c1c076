import Foundation
import RestoreLUT
import RestoreTestSupport
import XCTest

/// LUTs baked by OpenColorIO in every format, applied by us and by OpenColorIO's own CPU
/// processor to the same float colours (Tests/Fixtures/make_lut_fixtures.py): max |Δ| ≤ 1e-5.
final class OCIOAgreementTests: XCTestCase {
    static let dir = Fixtures.root + "/luts"

    func floats(_ name: String) throws -> [Float] { try Fixtures.floats(Self.dir + "/" + name) }

    func testEveryFormatAgreesWithOpenColorIO() throws {
        let input = try floats("input.f32")
        let n = input.count / 3
        let rows = try String(contentsOfFile: Self.dir + "/manifest.tsv", encoding: .utf8)
            .split(separator: "\n").filter { !$0.hasPrefix("#") }.map { $0.split(separator: "\t").map(String.init) }
        XCTAssertGreaterThanOrEqual(rows.count, 9)
        var formats = Set<String>()
        for row in rows {
            let (name, file, interp) = (row[0], row[1], row[2])
            let lut = try LUTFiles.read(path: Self.dir + "/" + file)
            formats.insert(lut.format ?? "?")
            let p = LUTProcessor(lut, interpolation: Interpolation(rawValue: interp) ?? .tetrahedral)
            var ours = input
            ours.withUnsafeMutableBufferPointer { b in
                p.apply(b.baseAddress!, b.baseAddress! + n, b.baseAddress! + 2 * n, stride: 1, count: n)
            }
            let reference = try floats("\(name).\(interp).ocio.f32")
            let diff = maxAbsDifference(ours, reference)
            XCTAssertLessThanOrEqual(diff, 1e-5, "\(file) \(interp): max |Δ| \(diff) against OpenColorIO")
        }
        XCTAssertEqual(formats, ["cube", "3dl", "spi3d", "spi1d", "csp"])
    }
}
