import Foundation
import RestoreCore
@testable import RestoreIO
import RestoreTestSupport
import XCTest

/// DPX against two independent encoders (FFmpeg's `dpx`, oiiotool): files holding every
/// 10-bit code (`Tests/Fixtures/make_dpx_fixtures.sh`) decode to exactly those codes, in both
/// byte orders and packings; what we write, oiiotool and FFmpeg read back code for code.
final class DPXTests: XCTestCase {
    func dpx(_ name: String) -> String { Fixtures.path("dpx/" + name) }

    /// The fixture's codes: pixel i has R = i, G = 1023 − i, B = 37·i mod 1024.
    func code(_ i: Int, _ c: Int) -> Int { [i, 1023 - i, (37 * i) % 1024][c] }

    func codes(_ image: Image, bits: Int) -> [[Int]] {
        let scale = Float((1 << bits) - 1)
        return (0..<3).map { c in (0..<1024).map { i in
            let v = image.samples[c * image.planeSize + i] * scale
            return abs(v - v.rounded()) < 1e-3 ? Int(v.rounded()) : -1  // a code is v / (2^bits − 1), exactly
        } }
    }

    func testEveryTenBitCodeFromFFmpegAndOIIOTool() throws {
        for name in ["ffmpeg_10_le.dpx", "ffmpeg_10_be.dpx", "oiio_10.dpx", "oiio_10_rgba.dpx"] {
            let image = try ImageFiles.read(path: dpx(name))
            XCTAssertEqual(image.metadata.sampleFormat, .unsigned(bits: 10), name)
            let got = codes(image, bits: 10)
            for c in 0..<3 { XCTAssertEqual(got[c], (0..<1024).map { code($0, c) }, "\(name) channel \(c)") }
            if image.hasAlpha { XCTAssertEqual(image.samples[3 * image.planeSize..<4 * image.planeSize].max(), 1, name) }
        }
        let ff12 = codes(try ImageFiles.read(path: dpx("ffmpeg_12_le.dpx")), bits: 12)
        for c in 0..<3 { XCTAssertEqual(ff12[c], (0..<1024).map { code($0, c) * 4 + 3 }, "12-bit channel \(c)") }
        // oiiotool's 8-, 12- and 16-bit files come from a 16-bit PNG holding round(code · 65535 / 1023);
        // its own requantisation truncates (12-bit: v >> 4), so they agree within one code.
        for (name, bits) in [("oiio_12.dpx", 12), ("oiio_16.dpx", 16), ("ffmpeg_16.dpx", 16), ("oiio_8.dpx", 8)] {
            let image = try ImageFiles.read(path: dpx(name))
            let got = codes(image, bits: bits)
            let top = Double((1 << bits) - 1)
            for c in 0..<3 { for i in 0..<1024 {
                let want = Double((Double(code(i, c)) * 65535 / 1023).rounded()) / 65535 * top
                XCTAssertLessThanOrEqual(abs(Double(got[c][i]) - want), 1, "\(name) pixel \(i) channel \(c)")
            } }
        }
        // oiiotool writes one component as descriptor 1 (red), packed bit-continuously.
        let luma = try ImageFiles.read(path: dpx("oiio_10_luma.dpx"))
        XCTAssertEqual(luma.colorChannels, 1)
        XCTAssertEqual(codes(Image(width: 1024, height: 1, colorChannels: 3, hasAlpha: false, samples: luma.samples + luma.samples + luma.samples), bits: 10)[0],
                       (0..<1024).map { code($0, 0) }, "luma codes")
        XCTAssertEqual(try ImageFiles.read(path: dpx("ffmpeg_10_le.dpx")).metadata.spaceName, "linear-srgb",
                       "FFmpeg marks its DPX linear (transfer 2)")
    }

    /// 10- and 16-bit round trips through our writer, with header fields kept.
    func testWriteRoundTripKeepsCodesAndHeaderFields() throws {
        let dir = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var source = try ImageFiles.read(path: dpx("oiio_10_rgba.dpx"))
        source.metadata.spaceName = "cineon-log"
        source.metadata.attributes = ["dpx:timecode": "01:02:03:04", "dpx:framePosition": "1001", "dpx:slate": "A001C003",
                                      "dpx:frameRate": "24.0"]
        source.metadata.window = PixelWindow(x: 12, y: 34)
        for depth in [OutputDepth.uint10, .uint12, .uint16, .uint8] {
            let path = dir + "/out_\(depth.bits).dpx"
            try ImageFiles.write(source, to: path, options: EncodeOptions(depth: depth, threads: 2))
            let back = try ImageFiles.read(path: path)
            if depth.bits >= 10 { XCTAssertSamplesEqual(back.samples.map { ($0 * 1023).rounded() }, source.samples.map { ($0 * 1023).rounded() }, "\(depth)") }
            XCTAssertEqual(back.metadata.spaceName, "cineon-log")
            XCTAssertEqual(back.metadata.window, PixelWindow(x: 12, y: 34))
            for key in ["dpx:timecode", "dpx:framePosition", "dpx:slate", "dpx:frameRate"] {
                XCTAssertEqual(back.metadata.attributes[key], source.metadata.attributes[key], "\(depth) \(key)")
            }
        }
    }

    /// oiiotool and FFmpeg read our 10-bit DPX with every code (each skipped without the tool).
    func testOIIOToolAndFFmpegReadWhatWeWrite() throws {
        let dir = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let source = try ImageFiles.read(path: dpx("ffmpeg_10_le.dpx"))
        let ours = dir + "/ours.dpx"
        try ImageFiles.write(source, to: ours, options: EncodeOptions(depth: .uint10))
        var ran = 0
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/oiiotool") {
            let (status, text) = try tool("/usr/bin/oiiotool", ["--diff", "--fail", "0", "--failpercent", "0", dpx("ffmpeg_10_le.dpx"), ours])
            XCTAssertEqual(status, 0, text); XCTAssertTrue(text.contains("PASS"), text)
            ran += 1
        }
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/ffmpeg") {
            let raw = dir + "/ours.raw"
            let (status, text) = try tool("/usr/bin/ffmpeg", ["-loglevel", "error", "-i", ours, "-f", "rawvideo", "-pix_fmt", "gbrp10le", raw])
            XCTAssertEqual(status, 0, text)
            let b = try Fixtures.bytes(raw)
            XCTAssertEqual(b.count, 3 * 1024 * 2)
            let plane = { (p: Int) in (0..<1024).map { Int(b[2 * (p * 1024 + $0)]) | Int(b[2 * (p * 1024 + $0) + 1]) << 8 } }
            XCTAssertEqual(plane(2), (0..<1024).map { code($0, 0) }, "R as FFmpeg decodes it")
            XCTAssertEqual(plane(0), (0..<1024).map { code($0, 1) }, "G as FFmpeg decodes it")
            // Luma, 64 samples a line (the last word of each holds one): FFmpeg reads every code.
            let luma = try ImageFiles.read(path: dpx("oiio_10_luma.dpx"))
            let lumaOut = dir + "/luma.dpx", lumaRaw = dir + "/luma.raw"
            try ImageFiles.write(luma, to: lumaOut, options: EncodeOptions(depth: .uint10))
            let (s2, t2) = try tool("/usr/bin/ffmpeg", ["-loglevel", "error", "-i", lumaOut, "-f", "rawvideo", "-pix_fmt", "gray10le", lumaRaw])
            XCTAssertEqual(s2, 0, t2)
            let g = try Fixtures.bytes(lumaRaw)
            var decoded: [Int] = []
            for i in 0..<1024 { decoded.append(Int(g[2 * i]) | Int(g[2 * i + 1]) << 8) }
            XCTAssertEqual(decoded, (0..<1024).map { code($0, 0) }, "luma as FFmpeg decodes it")
            ran += 1
        }
        if ran == 0 { throw XCTSkip("neither oiiotool nor ffmpeg") }
    }

    func testMalformedHeadersAreRefused() throws {
        var b = try Fixtures.bytes(dpx("oiio_10.dpx"))
        let dir = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cases: [(String, (inout [UInt8]) -> Void, String)] = [
            ("truncated", { $0.removeLast(4000) }, "the pixels need"),
            ("huge", { $0[772] = 0x7F; $0[773] = 0xFF; $0[774] = 0xFF; $0[775] = 0x7F }, "exceed"),
            ("descriptor", { $0[800] = 100 }, "descriptor 100"),
            ("depth", { $0[803] = 32 }, "32-bit"),
        ]
        for (name, mutate, expect) in cases {
            var m = b
            mutate(&m)
            let path = dir + "/\(name).dpx"
            FileManager.default.createFile(atPath: path, contents: Data(m))
            XCTAssertThrowsError(try ImageFiles.read(path: path), name) { e in XCTAssertTrue("\(e)".contains(expect), "\(name): \(e)") }
        }
        b.removeAll()
    }

    func tool(_ exe: String, _ args: [String]) throws -> (Int32, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        let out = Pipe(); p.standardOutput = out; p.standardError = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return (p.terminationStatus, text)
    }
}
