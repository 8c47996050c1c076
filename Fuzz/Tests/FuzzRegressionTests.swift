import Foundation
import RestoreFuzzing
import RestoreTestSupport
import XCTest

/// Every seed of `Fuzz/corpus/` and every input that once crashed restore (`Fuzz/crashers/`)
/// through its harness: the process must survive them all, the crashers must be rejected and
/// the well-formed seeds (the fixtures they were copied from) accepted.
final class FuzzRegressionTests: XCTestCase {
    static let root = Fixtures.repository + "/Fuzz"

    func files(_ kind: String, _ target: String) -> [String] {
        let dir = "\(Self.root)/\(kind)/\(target)"
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted().map { "\(dir)/\($0)" }
    }

    func testEveryHarnessHasSeedsThatItAccepts() throws {
        for t in FuzzTargets.all {
            let seeds = files("corpus", t.name)
            XCTAssertFalse(seeds.isEmpty, "\(t.name) has no seed corpus")
            // (unsupported.onnx is refused by design; a manifest's files are not beside its seed)
            for f in seeds where !f.hasSuffix("unsupported.onnx") && t.name != "manifest" {
                XCTAssertTrue(t.run(try Fixtures.bytes(f)), "\(t.name): the seed \(f) is rejected")
            }
        }
    }

    func testEveryCrasherIsRejected() throws {
        var count = 0
        for t in FuzzTargets.all {
            for f in files("crashers", t.name) {
                XCTAssertFalse(t.run(try Fixtures.bytes(f)), "\(t.name): \(f) is accepted")
                count += 1
            }
        }
        XCTAssertGreaterThanOrEqual(count, 17)
    }

    func testRunShFuzzesEveryHarness() throws {
        let script = try String(contentsOfFile: Self.root + "/run.sh", encoding: .utf8)
        let line = try XCTUnwrap(script.split(separator: "\n").first { $0.hasPrefix("ALL=") })
        XCTAssertEqual(Set(line.dropFirst(5).dropLast().split(separator: " ").map(String.init)), Set(FuzzTargets.all.map(\.name)))
    }
}
