import RestoreNN
import XCTest

/// The levels stretch a `levels: minmax` predictor's grade starts with (`GradeLevels`, as
/// `levels` in Training/restore_training/models.py): each channel's minimum to 0 and maximum
/// to 1, nearly flat channels stretched at most 1 / `minimumRange`, NaN ignored.
final class GradeLevelsTests: XCTestCase {

    func testEachChannelsRangeGoesToZeroToOne() {
        // Red 0.2…0.8, green 0…1 (left alone), blue 0.5…0.55 (flat: gain capped at 10).
        let planes: [Float] = [0.2, 0.5, 0.8, 0.4, 0, 1, 0.25, 0.75, 0.5, 0.55, .nan, 0.52]
        let l = planes.withUnsafeBufferPointer { GradeLevels(measuring: $0, pixels: 4) }
        XCTAssertEqual(l.lo, [0.2, 0, 0.5])
        XCTAssertEqual(l.gain[0], 1 / 0.6, accuracy: 1e-5)
        XCTAssertEqual(l.gain[1], 1)
        XCTAssertEqual(l.gain[2], 1 / GradeLevels.minimumRange, accuracy: 1e-4)
        let s = l.apply(planar: planes)
        XCTAssertEqual(s[0], 0, accuracy: 1e-6); XCTAssertEqual(s[1], 0.5, accuracy: 1e-6); XCTAssertEqual(s[2], 1, accuracy: 1e-6)
        XCTAssertEqual(Array(s[4..<8]), Array(planes[4..<8]), "a full-range channel is untouched")
        XCTAssertEqual(s[9], 0.5, accuracy: 1e-5)
        XCTAssertEqual(l.apply(2, channel: 0), 1, "clamped to 0…1")
        XCTAssertEqual(l.apply(-1, channel: 0), 0)
    }

    func testAPlaneWithNoNumberIsLeftAlone() {
        let planes: [Float] = [.nan, .nan, 0.1, 0.9, 0, 1]
        let l = planes.withUnsafeBufferPointer { GradeLevels(measuring: $0, pixels: 2) }
        XCTAssertEqual(l.lo[0], 0); XCTAssertEqual(l.gain[0], 1)
        XCTAssertEqual(l.lo[1], 0.1, accuracy: 1e-6)
        let empty = [Float]().withUnsafeBufferPointer { GradeLevels(measuring: $0, pixels: 0) }
        XCTAssertEqual(empty, .identity)
    }
}
