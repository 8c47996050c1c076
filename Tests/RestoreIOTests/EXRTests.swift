import Foundation
import RestoreCore
@testable import RestoreIO
import RestoreTestSupport
import XCTest

/// OpenEXR against oiiotool (OpenImageIO 2.4, Debian's openimageio-tools): fixtures it wrote
/// (`Tests/Fixtures/make_exr_fixtures.sh`) decode to exactly the floats it decodes from them
/// (its float TIFFs, read by libtiff), and files we write read back in oiiotool unchanged.
final class EXRTests: XCTestCase {
    func exr(_ name: String) -> String { Fixtures.path("exr/" + name) }

    func expectSame(_ exrName: String, _ tif: String, limits: DecodeLimits = DecodeLimits(), tolerance: Float = 0,
                    file: StaticString = #filePath, line: UInt = #line) throws {
        let ours = try ImageFiles.read(path: exr(exrName), limits: limits)
        let theirs = try ImageFiles.read(path: exr(tif))
        XCTAssertEqual(ours.width, theirs.width, exrName, file: file, line: line)
        XCTAssertEqual(ours.channels, theirs.channels, exrName, file: file, line: line)
        if tolerance == 0 { XCTAssertSamplesEqual(ours.samples, theirs.samples, exrName, file: file, line: line) }
        else { XCTAssertLessThanOrEqual(maxAbsDifference(ours.samples, theirs.samples), tolerance, exrName, file: file, line: line) }
    }

    func testEveryCompressionDecodesAsOIIOToolDoes() throws {
        for c in ["none", "rle", "zips", "zip", "piz", "pxr24", "b44", "b44a"] { try expectSame("half_\(c).exr", "half_\(c).expect.tif") }
        for c in ["none", "zip", "piz", "pxr24"] { try expectSame("float_\(c).exr", "float_\(c).expect.tif") }
        try expectSame("tiled_half_zip.exr", "tiled_half_zip.expect.tif")
        try expectSame("tiled_float_piz.exr", "tiled_float_piz.expect.tif")
        try expectSame("y_half_piz.exr", "y_half_piz.expect.tif")
        // Associated alpha: both readers divide it out, we in float from half, libtiff's path
        // from oiiotool's float: equal within float rounding.
        try expectSame("rgba_half_zip.exr", "rgba_half_zip.expect.tif", tolerance: 1e-6)
        let hdr = try ImageFiles.read(path: exr("half_zip.exr"))
        XCTAssertGreaterThan(hdr.samples.max()!, 5.9, "scene-linear values above 1 are kept")
        XCTAssertLessThan(hdr.samples.min()!, 0, "negative values are kept")
        XCTAssertEqual(hdr.metadata.sampleFormat, .float(bits: 16))
    }

    func testWindowsLayersAndParts() throws {
        let w = try ImageFiles.read(path: exr("window_half_zip.exr"))
        XCTAssertEqual(w.metadata.window, PixelWindow(x: 5, y: 7, display: [0, 0, 63, 47]))
        // oiiotool's TIFF is the display window, black outside the data window.
        let frame = try ImageFiles.read(path: exr("window_half_zip.expect.tif"))
        XCTAssertEqual(frame.width, 64)
        var worst: Float = 0
        for c in 0..<3 { for y in 0..<w.height { for x in 0..<w.width { worst = max(worst, abs(w[x, y, c] - frame[x + 5, y + 7, c])) } } }
        XCTAssertEqual(worst, 0, "the data window sits at (5, 7) of the display window")
        try expectSame("layers.exr", "layers.expect.tif")
        // Four half channels, one not read (this crashed: a NULL destination for Z).
        try expectSame("rgbz_half_zip.exr", "rgbz_half_zip.expect.tif")
        try expectSame("layers.exr", "layers.diffuse.expect.tif", limits: DecodeLimits(layer: "diffuse"))
        try expectSame("parts.exr", "parts.1.expect.tif", limits: DecodeLimits(part: 1))
        XCTAssertThrowsError(try ImageFiles.read(path: exr("parts.exr"), limits: DecodeLimits(part: 2))) { e in
            XCTAssertTrue("\(e)".contains("2 part(s)"), "\(e)")
        }
        XCTAssertThrowsError(try ImageFiles.read(path: exr("layers.exr"), limits: DecodeLimits(layer: "specular"))) { e in
            XCTAssertTrue("\(e)".contains("diffuse"), "the message lists the layers: \(e)")
        }
        let info = try ImageFiles.inspect(path: exr("parts.exr"))
        XCTAssertTrue(info.layout.contains { $0.contains("part 0 of 2") }, "\(info.layout)")
    }

    func testDWAFailsNamingTheCompression() {
        XCTAssertThrowsError(try ImageFiles.read(path: exr("half_dwaa.exr"))) { e in
            XCTAssertTrue("\(e)".contains("DWAA"), "\(e)")
        }
    }

    /// Every writable compression round-trips: lossless ones exactly (a half source written
    /// as half), PXR24 exactly for half, B44/B44A within half's 4×4 block quantisation.
    func testWriteReadRoundTrip() throws {
        let dir = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for name in ["rgba_half_zip.exr", "half_zip.exr"] {
        var source = try ImageFiles.read(path: exr(name))
        source.metadata.window = PixelWindow(x: -3, y: 11, display: [0, 0, 99, 99])
        source.metadata.attributes = ["owner": "restore tests", "timeCode": "01:02:03:04", "framesPerSecond": "24000/1001"]
        for c in EXRCompression.allCases where c.writable {
            for depth in [OutputDepth.float16, .float32] {
                let path = dir + "/\(name)_\(c)_\(depth).exr"
                try ImageFiles.write(source, to: path, options: EncodeOptions(depth: depth, exrCompression: c, threads: 2))
                let back = try ImageFiles.read(path: path)
                XCTAssertEqual(back.metadata.window, source.metadata.window, "\(c)")
                XCTAssertEqual(back.metadata.attributes["owner"], "restore tests", "\(c)")
                XCTAssertEqual(back.metadata.attributes["timeCode"], "01:02:03:04", "\(c)")
                XCTAssertEqual(back.metadata.attributes["framesPerSecond"], "24000/1001", "\(c)")
                if (c == .b44 || c == .b44a) && depth == .float16 {
                    // Lossy: B44 quantises 4×4 blocks of half (measured: ≤ 6% relative on RGB); with associated
                    // alpha the error is divided by alpha again on read.
                    var worst: Float = 0
                    for i in source.samples.indices { worst = max(worst, abs(back.samples[i] - source.samples[i]) / max(1, abs(source.samples[i]))) }
                    XCTAssertLessThanOrEqual(worst, source.hasAlpha ? 0.2 : 0.08, "\(name) \(c)")
                } else {
                    XCTAssertLessThanOrEqual(maxAbsDifference(back.samples, source.samples), 2e-6, "\(name) \(c) \(depth)")  // alpha ×/÷ in float
                }
            }
        }
        }
    }

    /// A DPX time code and frame rate become OpenEXR's `timeCode` and `framesPerSecond`, and
    /// oiiotool reads the time code back.
    func testTimeCodeCrossesFormats() throws {
        let dir = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var image = try ImageFiles.read(path: exr("half_zip.exr"))
        image.metadata.attributes = ["dpx:timecode": "10:20:30:12", "dpx:frameRate": "23.976"]
        let path = dir + "/tc.exr"
        try ImageFiles.write(image, to: path, options: EncodeOptions(depth: .float16))
        let back = try ImageFiles.read(path: path)
        XCTAssertEqual(back.metadata.attributes["timeCode"], "10:20:30:12")
        XCTAssertEqual(back.metadata.attributes["framesPerSecond"], "24000/1001")
        XCTAssertNil(back.metadata.attributes["dpx:timecode"], "DPX fields are not written as EXR strings")
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/oiiotool") else { throw XCTSkip("no oiiotool") }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/oiiotool")
        p.arguments = ["--info", "-v", path]
        let out = Pipe(); p.standardOutput = out; p.standardError = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertTrue(text.contains("smpte:TimeCode: 10:20:30:12"), text)
    }

    /// Our files read back in oiiotool with the values we wrote (skipped without oiiotool).
    func testOIIOToolReadsWhatWeWrite() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/oiiotool") else { throw XCTSkip("no oiiotool") }
        let dir = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for name in ["half_zip", "float_piz", "window_half_zip", "tiled_float_piz"] {
            let source = try ImageFiles.read(path: exr(name + ".exr"))
            for c in [EXRCompression.zip, .piz, .pxr24, .none, .zips] {
                let path = dir + "/\(name)_\(c).exr"
                var options = EncodeOptions(depth: OutputDepth.keeping(source.metadata.sampleFormat), exrCompression: c)
                if c == .piz || c == .none { options.exrTile = 16 }  // tiled output too
                try ImageFiles.write(source, to: path, options: options)
                let p = Process()
                p.executableURL = URL(fileURLWithPath: "/usr/bin/oiiotool")
                // PXR24 rounds float to 24 bits (lossless for half).
                let lossy = c == .pxr24 && source.metadata.sampleFormat == .float(bits: 32)
                p.arguments = ["--diff", "--fail", lossy ? "1e-4" : "0", "--failpercent", "0", exr(name + ".exr"), path]
                let out = Pipe(); p.standardOutput = out; p.standardError = out
                try p.run()
                let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                p.waitUntilExit()
                XCTAssertEqual(p.terminationStatus, 0, "\(name) \(c): \(text)")
                if !lossy { XCTAssertTrue(text.contains("PASS"), "\(name) \(c): \(text)") }
            }
        }
    }
}
