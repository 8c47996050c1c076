import RestoreCore
import XCTest

final class CoreTests: XCTestCase {
    func testTilesCoverEveryPixelOnce() {
        for (w, h, size, halo) in [(37, 23, 8, 3), (256, 256, 64, 0), (1, 1, 16, 5), (100, 7, 33, 10)] {
            let hits = UnsafeMutableBufferPointer<Int>.allocate(capacity: w * h)
            hits.initialize(repeating: 0)
            defer { hits.deallocate() }
            let tiles = makeTiles(width: w, height: h, size: size, halo: halo)
            for t in tiles {
                XCTAssertEqual(t.input.intersection(t.region), t.region)
                XCTAssertTrue(t.input.x >= 0 && t.input.y >= 0 && t.input.maxX <= w && t.input.maxY <= h)
            }
            // Tiles own disjoint regions, so parallel workers can write them.
            let p = SendablePointer(hits.baseAddress!)
            parallelForTiles(tiles, threads: 3) { t in
                for y in t.region.y..<t.region.maxY { for x in t.region.x..<t.region.maxX { p.base[y * w + x] += 1 } }
            }
            XCTAssertEqual(Set(hits), [1], "\(w)x\(h) tiles of \(size)")
        }
    }

    func testParallelForVisitsEachIndexOnce() {
        for threads in [1, 2, 3, 8] {
            let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: 1000)
            counts.initialize(repeating: 0)
            defer { counts.deallocate() }
            let p = SendablePointer(counts.baseAddress!)
            parallelFor(1000, threads: threads) { i in p.base[i] += 1 }
            XCTAssertEqual(Set(counts), [1], "threads \(threads)")
            var covered = 0
            let q = SendablePointer(counts.baseAddress!)
            parallelChunks(1000, grain: 64, threads: threads) { r in for i in r { q.base[i] += 1 } }
            covered = counts.filter { $0 == 2 }.count
            XCTAssertEqual(covered, 1000)
        }
    }

    func testImageLayoutAndMetadata() {
        var image = Image(width: 3, height: 2, colorChannels: 3, hasAlpha: true)
        XCTAssertEqual(image.channels, 4)
        XCTAssertEqual(image.samples.count, 24)
        image[2, 1, 3] = 0.5
        XCTAssertEqual(image.samples[3 * 6 + 1 * 3 + 2], 0.5)
        XCTAssertEqual(SampleFormat.unsigned(bits: 16).description, "uint16")
        XCTAssertEqual(Resolution(x: 100, y: 50, unit: .centimeter).dpi?.x, 254)
        XCTAssertNil(Resolution(x: 1, y: 1, unit: .none).dpi)
        XCTAssertEqual(ErrorCategory.outputUnwritable.exitCode, 4)
    }
}
