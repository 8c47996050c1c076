import Foundation
@testable import Restore
import RestoreTestSupport
import XCTest

/// What a batch's IN expands to: frame sets, frame patterns, shards, folders and globs.
final class BatchPlanningTests: XCTestCase {
    var dir = ""
    override func setUp() { dir = Fixtures.temporaryDirectory() }
    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    func touch(_ rel: String) {
        let path = dir + "/" + rel
        try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: path, contents: Data([1]))
    }

    func testFrameSets() throws {
        XCTAssertEqual(try FrameSet(parsing: "1001-1005").frames, [1001, 1002, 1003, 1004, 1005])
        XCTAssertEqual(try FrameSet(parsing: "1-10x3").frames, [1, 4, 7, 10])
        XCTAssertEqual(try FrameSet(parsing: "12,1,5-6,5").frames, [1, 5, 6, 12])
        for bad in ["5-1", "a", "1-2x0", "", "1,,2", "1-2-3", "0-999999999", "-5", "1x2x3", "99999999999"] {
            XCTAssertThrowsError(try FrameSet(parsing: bad), bad) { XCTAssertTrue("\($0)".contains("--frames"), "\($0)") }
        }
    }

    func testFramePatterns() throws {
        let printf = try XCTUnwrap(try FramePattern("a/shot.%04d.exr"))
        XCTAssertEqual(printf.path(7), "a/shot.0007.exr")
        XCTAssertEqual(printf.path(123456), "a/shot.123456.exr", "more digits than the padding are written in full")
        XCTAssertEqual(try FramePattern("shot.####.png")?.path(42), "shot.0042.png")
        XCTAssertEqual(try FramePattern("shot.#.png")?.path(42), "shot.42.png", "one # per digit, as Nuke")
        XCTAssertEqual(try FramePattern("shot.@@@.png")?.path(5), "shot.005.png")
        XCTAssertEqual(try FramePattern("shot.%d.png")?.path(5), "shot.5.png")
        let range = try XCTUnwrap(try FramePattern("d/shot.1001-1003#.exr"))
        XCTAssertEqual(range.frames?.frames, [1001, 1002, 1003])
        XCTAssertEqual(range.path(7), "d/shot.0007.exr", "oiiotool's range form: # is 4 digits")
        XCTAssertNil(try FramePattern("plain.png"))
        XCTAssertNil(try FramePattern("dir#1/plain.png"), "folders are literal")
        XCTAssertThrowsError(try FramePattern("a.%04d.%04d.png"))
        XCTAssertThrowsError(try FramePattern("a.%12d.png"))
        // Only the exact padded spelling matches.
        XCTAssertEqual(printf.frame(ofFileName: "shot.0012.exr"), 12)
        XCTAssertNil(printf.frame(ofFileName: "shot.12.exr"))
        XCTAssertNil(printf.frame(ofFileName: "shot.00012.exr"))
        XCTAssertEqual(printf.frame(ofFileName: "shot.12345.exr"), 12345)
        XCTAssertNil(printf.frame(ofFileName: "shot.0012.exr.tmp"))
    }

    func testShardsPartitionEveryItemExactlyOnce() throws {
        for n in 0...40 {
            for count in 1...9 {
                var seen: [Int] = []
                var sizes: [Int] = []
                for k in 1...count {
                    let r = try Shard(index: k, count: count).range(of: n)
                    seen += Array(r); sizes.append(r.count)
                }
                XCTAssertEqual(seen, Array(0..<n), "n \(n), \(count) shards: contiguous, in order, each once")
                XCTAssertLessThanOrEqual((sizes.max() ?? 0) - (sizes.min() ?? 0), 1)
            }
        }
        XCTAssertThrowsError(try Shard(parsing: "0/4", environment: [:]))
        XCTAssertThrowsError(try Shard(parsing: "5/4", environment: [:]))
        XCTAssertThrowsError(try Shard(parsing: "1/0", environment: [:]))
        XCTAssertThrowsError(try Shard(parsing: "1/99999999999", environment: [:]))
        XCTAssertThrowsError(try Shard(parsing: "-1/4", environment: [:]))
    }

    func testAutoShardFromSlurmAndKubernetes() throws {
        let slurm = ["SLURM_ARRAY_TASK_ID": "12", "SLURM_ARRAY_TASK_MIN": "10", "SLURM_ARRAY_TASK_COUNT": "4"]
        XCTAssertEqual(try Shard(parsing: "auto", environment: slurm), try Shard(index: 3, count: 4))
        var stepped = slurm
        stepped["SLURM_ARRAY_TASK_STEP"] = "2"; stepped["SLURM_ARRAY_TASK_ID"] = "14"
        XCTAssertEqual(try Shard(parsing: "auto", environment: stepped), try Shard(index: 3, count: 4), "--array=10-16:2")
        XCTAssertEqual(try Shard(parsing: "auto", count: 5, environment: ["JOB_COMPLETION_INDEX": "0"]), try Shard(index: 1, count: 5))
        XCTAssertThrowsError(try Shard(parsing: "auto", environment: ["JOB_COMPLETION_INDEX": "0"])) { XCTAssertTrue("\($0)".contains("--shard-count")) }
        XCTAssertThrowsError(try Shard(parsing: "auto", count: 5, environment: ["JOB_COMPLETION_INDEX": "5"]))
        XCTAssertThrowsError(try Shard(parsing: "auto", environment: [:])) { XCTAssertTrue("\($0)".contains("SLURM_ARRAY_TASK_ID")) }
        XCTAssertThrowsError(try Shard(parsing: "auto", environment: ["SLURM_ARRAY_TASK_ID": "x", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_COUNT": "2"]))
        XCTAssertThrowsError(try Shard(parsing: "auto", environment: ["SLURM_ARRAY_TASK_ID": "9", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_COUNT": "2"]))
    }

    func testSequencesFoldersAndGlobsExpandSorted() throws {
        for f in ["s/shot.1003.png", "s/shot.1001.png", "s/shot.1002.png", "s/shot.12.png", "s/shot.01004.png", "s/other.1005.png"] { touch(f) }
        var o = BatchOptions()
        var items = try BatchInput.items(input: dir + "/s/shot.%04d.png", output: dir + "/o/f.%04d.tif", options: o)
        XCTAssertEqual(items.map(\.frame), [1001, 1002, 1003])
        XCTAssertEqual(items.map(\.output).last, dir + "/o/f.1003.tif")
        XCTAssertEqual(Set(items.map(\.shot)), [0], "a sequence is one shot")
        o.frames = try FrameSet(parsing: "1002-1010x4")
        items = try BatchInput.items(input: dir + "/s/shot.####.png", output: dir + "/o/", options: o)
        XCTAssertEqual(items.map(\.input), [dir + "/s/shot.1002.png", dir + "/s/shot.1006.png", dir + "/s/shot.1010.png"],
                       "--frames names frames whether or not they exist (the missing ones fail as items)")
        XCTAssertEqual(items[0].output, dir + "/o/shot.1002.png")
        o.frames = nil
        o.cuts = try FrameSet(parsing: "1002")
        XCTAssertEqual(try BatchInput.items(input: dir + "/s/shot.%04d.png", output: dir + "/o", options: o).map(\.shot), [0, 1, 1])
        o.cuts = nil
        o.shotFrames = 2
        XCTAssertEqual(try BatchInput.items(input: dir + "/s/shot.%04d.png", output: dir + "/o", options: o).map(\.shot), [0, 0, 1])

        for f in ["f/b.png", "f/a.jpg", "f/.hidden.png", "f/notes.txt", "f/sub/c.tif", "f/sub/deeper/d.png"] { touch(f) }
        var folder = BatchOptions()
        XCTAssertEqual(try BatchInput.items(input: dir + "/f", output: dir + "/out", options: folder).map(\.output),
                       [dir + "/out/a.jpg", dir + "/out/b.png"])
        folder.recursive = true
        folder.format = "tif"
        XCTAssertEqual(try BatchInput.items(input: dir + "/f", output: dir + "/out", options: folder).map(\.output),
                       [dir + "/out/a.tif", dir + "/out/b.tif", dir + "/out/sub/c.tif", dir + "/out/sub/deeper/d.tif"])
        XCTAssertEqual(try BatchInput.items(input: dir + "/f/*.png", output: dir + "/g", options: BatchOptions()).map(\.input), [dir + "/f/b.png"])
        // a.jpg and a.png into one folder as .tif: refused before anything runs.
        touch("f/a.png")
        var clash = BatchOptions()
        clash.format = "tif"
        XCTAssertThrowsError(try BatchInput.items(input: dir + "/f", output: dir + "/out", options: clash)) { XCTAssertTrue("\($0)".contains("both")) }
        XCTAssertThrowsError(try BatchInput.items(input: dir + "/f", output: dir + "/out.png", options: BatchOptions())) { XCTAssertTrue("\($0)".contains("folder")) }
        XCTAssertThrowsError(try BatchInput.items(input: dir + "/s/none.%04d.png", output: dir + "/o", options: BatchOptions())) { XCTAssertTrue("\($0)".contains("no frames match")) }
    }
}
