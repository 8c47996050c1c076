import Foundation
import RestoreTestSupport
import XCTest

/// `restore lut apply | convert | info`, `--lut` in the default command, and raw frame streams.
final class LUTCommandTests: XCTestCase {
    var dir = ""
    override func setUp() { dir = Fixtures.temporaryDirectory() }
    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }
    let cube = Fixtures.root + "/luts/resolve.cube"

    func run(_ args: [String], stdin: Data? = nil) throws -> (code: Int32, out: Data, err: String) {
        try CLITests.pipe(args, stdin: stdin)
    }

    func testInfo() throws {
        let r = try run(["lut", "info", cube, "--json"])
        XCTAssertEqual(r.code, 0, r.err)
        let obj = try JSONSerialization.jsonObject(with: r.out) as! [String: Any]
        XCTAssertEqual(obj["format"] as? String, "cube")
        XCTAssertEqual(obj["kind"] as? String, "3D")
        XCTAssertEqual(obj["size_3d"] as? Int, 17)
    }

    func testApplyKeepsDepthAlphaAndProfile() throws {
        let out = dir + "/graded.png"
        let r = try run(["lut", "apply", cube, Fixtures.path("im_rgba16.png"), out])
        XCTAssertEqual(r.code, 0, r.err)
        let info = try JSONSerialization.jsonObject(with: try run(["info", out, "--json"]).out) as! [String: Any]
        XCTAssertEqual(info["bits"] as? Int, 16)
        XCTAssertEqual(info["has_alpha"] as? Bool, true)
        let tagged = dir + "/tagged.tif"
        XCTAssertEqual(try run(["lut", "apply", cube, Fixtures.path("tf_u16_rgb_adobe_icc.tif"), tagged, "--space", "srgb", "--strength", "0.5"]).code, 0)
        let t = try JSONSerialization.jsonObject(with: try run(["info", tagged, "--json"]).out) as! [String: Any]
        XCTAssertEqual(t["icc"] as? String, "Compatible with Adobe RGB (1998)")
        // The default command takes --lut too.
        XCTAssertEqual(try run([Fixtures.path("pil_rgb8.png"), dir + "/run.png", "--lut", cube]).code, 0)
    }

    func testConvertBetweenFormats() throws {
        for ext in ["3dl", "spi3d", "csp", "cube", "png"] {
            let out = "\(dir)/c.\(ext)"
            let r = try run(["lut", "convert", cube, out, "--size", "9"])
            XCTAssertEqual(r.code, 0, "\(ext): \(r.err)")
            XCTAssertEqual(try run(["lut", "info", out]).code, 0, ext)
        }
        XCTAssertEqual(try run(["lut", "convert", cube, dir + "/c.cube"]).code, 4, "exists without --force")
        XCTAssertEqual(try run(["lut", "convert", cube, dir + "/c.txt"]).code, 2)
    }

    func testBadLUTNamesFileAndLine() throws {
        let bad = dir + "/bad.cube"
        try "LUT_3D_SIZE 2\n0 0 0\n1 0\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let r = try run(["lut", "apply", bad, Fixtures.path("pil_rgb8.png"), dir + "/o.png"])
        XCTAssertEqual(r.code, 3)
        XCTAssertTrue(r.err.contains("\(bad): line 3: found '1 0', expected a row of 3 numbers"), r.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/o.png"))
        XCTAssertEqual(try run(["lut", "apply", dir + "/missing.cube", Fixtures.path("pil_rgb8.png"), dir + "/o.png"]).code, 3)
    }

    func testRawStreamMatchesFileApplyAndReportsShortFrames() throws {
        // Two 8x4 rgb48le frames.
        var frames = Data()
        for i in 0..<(2 * 8 * 4 * 3) { var v = UInt16((i * 2749) % 65536).littleEndian; frames.append(Data(bytes: &v, count: 2)) }
        let r = try run(["lut", "apply", cube, "-", "-", "--raw", "8x4:rgb48le"], stdin: frames)
        XCTAssertEqual(r.code, 0, r.err)
        XCTAssertEqual(r.out.count, frames.count)
        XCTAssertNotEqual(r.out, frames)
        let short = try run(["lut", "apply", cube, "-", "-", "--raw", "8x4:rgb48le"], stdin: frames.prefix(frames.count - 10))
        XCTAssertEqual(short.code, 3)
        XCTAssertTrue(short.err.contains("frame 2 is short"), short.err)
        XCTAssertEqual(try run(["lut", "apply", cube, "-", "-"]).code, 2, "needs --raw")
    }

    /// A real ffmpeg round trip through the raw pipe (skipped when ffmpeg is absent).
    func testFFmpegRoundTrip() throws {
        guard let ffmpeg = ["/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg"].first(where: FileManager.default.isExecutableFile) else {
            throw XCTSkip("ffmpeg is not installed; apt-get install ffmpeg to run this test")
        }
        let script = """
            set -eo pipefail
            "\(ffmpeg)" -v error -f lavfi -i testsrc2=size=64x48:rate=5 -frames:v 3 -pix_fmt rgb48le -f rawvideo - \
              | "\(CLITests.binary)" lut apply "\(cube)" - - --raw 64x48:rgb48le \
              | "\(ffmpeg)" -v error -f rawvideo -pix_fmt rgb48le -s 64x48 -i - -frames:v 3 "\(dir)/f%02d.png"
            """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = ["-c", script]
        try p.run(); p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
        for i in 1...3 { XCTAssertTrue(FileManager.default.fileExists(atPath: "\(dir)/f0\(i).png")) }
    }
}
