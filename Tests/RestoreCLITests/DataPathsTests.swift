import Foundation
import Restore
import RestoreTestSupport
import XCTest

/// The binary finds the bundled Plugins/ and LUTs/ wherever it runs from.
final class DataPathsTests: XCTestCase {
    func testFindsTheCheckoutFromABuildFolder() {
        let exe = Fixtures.repository + "/.build/x86_64-unknown-linux-gnu/release/restore"
        XCTAssertEqual(DataPaths.root(executable: exe), Fixtures.repository)
    }

    func testFindsAnInstallPrefix() throws {
        let prefix = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: prefix) }
        for d in ["bin", "share/restore/Plugins", "share/restore/LUTs"] {
            try FileManager.default.createDirectory(atPath: prefix + "/" + d, withIntermediateDirectories: true)
        }
        XCTAssertEqual(DataPaths.root(executable: prefix + "/bin/restore"), prefix + "/share/restore")
        XCTAssertNil(DataPaths.root(executable: "/nonexistent/bin/restore", source: nil))
        XCTAssertEqual(DataPaths.root(executable: "/nonexistent/bin/restore"), Fixtures.repository,
                       "the package the module was compiled from (what a depending package finds)")
    }
}
