import Foundation
@testable import Restore
import RestoreCore
import RestoreIO
import RestoreTestSupport
import XCTest

/// Batches from the command line: sequences, shards, resume, keep-going, reports, JSON
/// progress, shot-level σ, raw streams through every stage, and stdin/stdout images.
final class BatchCommandTests: XCTestCase {
    var dir = ""
    override func setUp() { dir = Fixtures.temporaryDirectory() }
    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }
    func restore(_ args: String...) throws -> CLITests.Result { try CLITests.run(args) }
    var lut: String { Fixtures.repository + "/LUTs/look-teal-orange.cube" }

    /// A 16-bit RGB frame of `width` × `height`: a gradient plus Gaussian noise of `sigma` (8-bit levels).
    func frame(_ seed: UInt64, sigma: Float = 0, width: Int = 48, height: Int = 32) -> Image {
        var rng = SplitMix(seed: seed)
        var img = Image(width: width, height: height, colorChannels: 3, hasAlpha: false,
                        metadata: ImageMetadata(sampleFormat: .unsigned(bits: 16)))
        for c in 0..<3 { for y in 0..<height { for x in 0..<width {
            let base = 0.2 + 0.6 * Float(x + y + 7 * c) / Float(width + height + 14)
            img[x, y, c] = min(1, max(0, base + sigma / 255 * rng.gaussian()))
        } } }
        return img
    }

    func writeSequence(_ count: Int, first: Int = 1001, sigma: (Int) -> Float = { _ in 0 }) throws {
        try FileManager.default.createDirectory(atPath: dir + "/seq", withIntermediateDirectories: true)
        for i in 0..<count {
            try ImageFiles.write(frame(UInt64(i), sigma: sigma(i)), to: dir + "/seq/shot.\(first + i).png", options: EncodeOptions(depth: .uint16))
        }
    }

    func files(_ sub: String) -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: dir + "/" + sub)) ?? []).sorted() }
    func bytes(_ rel: String) -> Data? { FileManager.default.contents(atPath: dir + "/" + rel) }

    func testJobsAndShardsGiveTheSameBytesAsOneProcess() throws {
        try writeSequence(10)
        XCTAssertEqual(try restore("lut", "apply", lut, dir + "/seq/shot.%04d.png", dir + "/ref/", "--jobs", "1").code, 0)
        XCTAssertEqual(files("ref").count, 10)
        XCTAssertEqual(try restore("lut", "apply", lut, dir + "/seq/shot.####.png", dir + "/par/f.%04d.png", "--jobs", "3", "--threads", "2").code, 0)
        var written: [String] = []
        for k in 1...3 {
            let r = try restore("lut", "apply", lut, dir + "/seq/shot.%04d.png", dir + "/sh/", "--shard", "\(k)/3", "--report", dir + "/reports/r\(k).json")
            XCTAssertEqual(r.code, 0, r.stderr)
            let report = try JSONSerialization.jsonObject(with: XCTUnwrap(bytes("reports/r\(k).json"))) as! [String: Any]
            written += (report["items"] as! [[String: Any]]).map { $0["output"] as! String }
        }
        XCTAssertEqual(written.sorted(), (1001...1010).map { dir + "/sh/shot.\($0).png" }, "every frame in exactly one shard")
        for f in 1001...1010 {
            XCTAssertEqual(bytes("par/f.\(f).png"), bytes("ref/shot.\(f).png"), "--jobs 3 changes nothing")
            XCTAssertEqual(bytes("sh/shot.\(f).png"), bytes("ref/shot.\(f).png"), "sharding changes nothing")
        }
    }

    func testANetworkGivesTheSameFramesWithAnyNumberOfJobs() throws {
        // A loaded network keeps working buffers: concurrent items must each get their own.
        try writeSequence(4) { Float(4 + 3 * $0) }
        XCTAssertEqual(try restore("denoise", dir + "/seq/shot.%04d.png", dir + "/one", "--sigma", "10", "--jobs", "1").code, 0)
        XCTAssertEqual(try restore("denoise", dir + "/seq/shot.%04d.png", dir + "/four", "--sigma", "10", "--jobs", "4").code, 0)
        for f in 1001...1004 { XCTAssertEqual(bytes("four/shot.\(f).png"), bytes("one/shot.\(f).png"), "frame \(f)") }
    }

    func testRerunsSkipOrFailAndABatchKeepsGoing() throws {
        try writeSequence(4)
        try Data("not a png".utf8).write(to: URL(fileURLWithPath: dir + "/seq/shot.1003.png"))
        let first = try restore("lut", "apply", lut, dir + "/seq/shot.%04d.png", dir + "/out", "--report", dir + "/r.json")
        XCTAssertEqual(first.code, 1, "some items failed")
        XCTAssertEqual(files("out"), ["shot.1001.png", "shot.1002.png", "shot.1004.png"], "the batch went on after the bad frame")
        XCTAssertTrue(first.stderr.contains("shot.1003.png"), first.stderr)
        XCTAssertTrue(first.stderr.contains("3 done, 0 skipped, 1 failed"), first.stderr)
        let report = try JSONSerialization.jsonObject(with: XCTUnwrap(bytes("r.json"))) as! [String: Any]
        XCTAssertEqual(report["failed"] as? Int, 1)
        let items = report["items"] as! [[String: Any]]
        XCTAssertEqual(items.map { $0["status"] as! String }, ["done", "done", "failed", "done"])
        XCTAssertTrue((items[2]["error"] as! String).contains("unknown image format"), "\(items[2])")
        XCTAssertNotNil(items[0]["seconds"] as? Double)

        let again = try restore("lut", "apply", lut, dir + "/seq/shot.%04d.png", dir + "/out")
        XCTAssertEqual(again.code, 1)
        XCTAssertTrue(again.stderr.contains("output exists") && again.stderr.contains("--skip-existing"), again.stderr)
        try FileManager.default.removeItem(atPath: dir + "/seq/shot.1003.png")
        try ImageFiles.write(frame(3), to: dir + "/seq/shot.1003.png", options: EncodeOptions(depth: .uint16))
        let resume = try restore("lut", "apply", lut, dir + "/seq/shot.%04d.png", dir + "/out", "--skip-existing")
        XCTAssertEqual(resume.code, 0, resume.stderr)
        XCTAssertTrue(resume.stderr.contains("1 done, 3 skipped, 0 failed"), resume.stderr)
        XCTAssertEqual(files("out").count, 4)
    }

    func testJSONProgressIsTheOnlyThingOnStderr() throws {
        try writeSequence(3)
        let r = try restore("lut", "apply", lut, dir + "/seq/shot.%04d.png", dir + "/out", "--progress", "json", "--frames", "1001-1004")
        XCTAssertEqual(r.code, 1)
        let events = try r.stderr.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        XCTAssertEqual(events.first?["event"] as? String, "start")
        XCTAssertEqual(events.first?["items"] as? Int, 4)
        XCTAssertEqual(events.last?["event"] as? String, "summary")
        XCTAssertEqual(events.last?["done"] as? Int, 3)
        XCTAssertEqual(events.last?["failed"] as? Int, 1)
        XCTAssertNotNil(events.last?["seconds"] as? Double)
        let items = events.filter { $0["event"] as? String == "item" }
        XCTAssertEqual(items.count, 4)
        for i in items { for key in ["input", "output", "status", "seconds"] { XCTAssertNotNil(i[key], key) } }
        XCTAssertEqual(items.filter { $0["status"] as? String == "failed" }.map { $0["frame"] as? Int }, [1004])
        XCTAssertTrue(Set(events.compactMap { $0["event"] as? String }).isSubset(of: ["start", "progress", "item", "summary"]))
        let usage = try restore("lut", "apply", lut, dir + "/seq/shot.%04d.png", dir + "/out", "--progress", "json", "--jobs", "0")
        XCTAssertEqual(usage.code, 2)
        let e = try JSONSerialization.jsonObject(with: Data(usage.stderr.utf8)) as! [String: Any]
        XCTAssertEqual(e["event"] as? String, "error")
        XCTAssertTrue((e["message"] as! String).contains("--jobs"))
    }

    func testSigmaIsDecidedOncePerShot() throws {
        // Noise σ 4 on even frames and 12 on odd ones: one shot, so one σ for all of them.
        try writeSequence(6) { $0 % 2 == 0 ? 4 : 12 }
        func sigmas(_ extra: [String]) throws -> [String] {
            let r = try CLITests.run(["denoise", dir + "/seq/shot.%04d.png", dir + "/o\(extra.count)", "--report", dir + "/d.json"] + extra)
            XCTAssertEqual(r.code, 0, r.stderr)
            let report = try JSONSerialization.jsonObject(with: XCTUnwrap(bytes("d.json"))) as! [String: Any]
            return (report["items"] as! [[String: Any]]).map { ($0["notes"] as! [String]).joined() }
        }
        let shot = try sigmas([])
        XCTAssertEqual(Set(shot).count, 1, "one σ for the shot: \(shot)")
        XCTAssertTrue(shot[0].contains("the shot's, from 5 frames"), shot[0])
        let perFrame = try sigmas(["--per-frame"])
        XCTAssertGreaterThan(Set(perFrame).count, 1, "--per-frame decides on each frame: \(perFrame)")
        let cut = try sigmas(["--shot-frames", "3", "--force"])
        XCTAssertEqual(Set(cut[0..<3]).count, 1)
        XCTAssertEqual(Set(cut[3..<6]).count, 1)
    }

    func testRawStreamsRunEveryStageAndEqualTheFileRun() throws {
        // Three frames as rgb48le and as planar gbrp16le; σ fixed so the file runs compare.
        try writeSequence(3)
        var interleaved = Data(), planar = Data()
        for i in 0..<3 {
            let img = frame(UInt64(i))
            let n = img.planeSize
            for p in 0..<n { for c in 0..<3 { appendLE(&interleaved, Quantize.to16(img.samples[c * n + p])) } }
            for c in [1, 2, 0] { for p in 0..<n { appendLE(&planar, Quantize.to16(img.samples[c * n + p])) } }
        }
        let a = try pipe(["denoise", "-", "-", "--raw", "48x32:rgb48le", "--sigma", "10"], stdin: interleaved)
        XCTAssertEqual(a.code, 0, a.err)
        XCTAssertTrue(a.err.contains("output frames 48x32:rgb48le"), a.err)
        let b = try pipe(["denoise", "-", "-", "--raw", "48x32:gbrp16le", "--sigma", "10"], stdin: planar)
        XCTAssertEqual(b.code, 0, b.err)
        XCTAssertEqual(try restore("denoise", dir + "/seq/shot.%04d.png", dir + "/ref", "--sigma", "10").code, 0)
        var expected = Data(), expectedPlanar = Data()
        for f in 1001...1003 {
            let img = try ImageFiles.read(path: dir + "/ref/shot.\(f).png")
            let n = img.planeSize
            for p in 0..<n { for c in 0..<3 { appendLE(&expected, Quantize.to16(img.samples[c * n + p])) } }
            for c in [1, 2, 0] { for p in 0..<n { appendLE(&expectedPlanar, Quantize.to16(img.samples[c * n + p])) } }
        }
        XCTAssertEqual(a.out, expected, "the stream gives the file run's pixels")
        XCTAssertEqual(b.out, expectedPlanar, "gbrp16le is the same frames, planar G, B, R")
        let parallel = try pipe(["denoise", "-", "-", "--raw", "48x32:rgb48le", "--sigma", "10", "--jobs", "3"], stdin: interleaved)
        XCTAssertEqual(parallel.out, expected, "three frames at once, written in order, same pixels")
        let short = try pipe(["denoise", "-", "-", "--raw", "48x32:rgb48le", "--sigma", "10", "--jobs", "3"], stdin: interleaved.dropLast(10))
        XCTAssertEqual(short.code, 3)
        XCTAssertTrue(short.err.contains("frame 3 is short"), short.err)
        XCTAssertEqual(short.out, expected.prefix(2 * 48 * 32 * 6), "the complete frames before the short one are written")
        let none = try pipe(["convert", "-", "-", "--raw", "48x32:gbrp16le"], stdin: planar)
        XCTAssertEqual(none.out, planar, "no stage: planar frames pass through unchanged")
        let up = try pipe(["upscale", "-", "-", "--raw", "48x32:rgb48le", "--scale", "2"], stdin: interleaved)
        XCTAssertEqual(up.code, 0, up.err)
        XCTAssertTrue(up.err.contains("output frames 96x64:rgb48le"), up.err)
        XCTAssertEqual(up.out.count, 4 * interleaved.count)
        let wrong = try pipe(["denoise", "-", "-", "--raw", "48x32:gbrp10le", "--sigma", "10"], stdin: interleaved)
        XCTAssertEqual(wrong.code, 3, "16-bit codes cannot be 10-bit samples")
        XCTAssertTrue(wrong.err.contains("frame 1") && wrong.err.contains("1023"), wrong.err)
        let huge = try pipe(["convert", "-", "-", "--raw", "65536x4096:gbrapf32le", "--jobs", "256", "--max-megapixels", "300"], stdin: Data([0]))
        XCTAssertEqual(huge.code, 2, "frame buffers are bounded before they are allocated")
        XCTAssertTrue(huge.err.contains("fewer --jobs"), huge.err)
        let float = try pipe(["lut", "apply", lut, "-", "-", "--raw", "4x2:gbrapf32le"], stdin: Data(count: 4 * 2 * 4 * 4))
        XCTAssertEqual(float.code, 0, float.err)
        XCTAssertEqual(float.out.count, 4 * 2 * 4 * 4)
    }

    func testImagesThroughStdinAndStdout() throws {
        let sample = Fixtures.repository + "/Samples/baboon-alpha.png"
        XCTAssertEqual(try restore("convert", sample, dir + "/file.png").code, 0)
        let viaStdin = try pipe(["convert", "-", dir + "/stdin.png"], stdin: try Data(contentsOf: URL(fileURLWithPath: sample)))
        XCTAssertEqual(viaStdin.code, 0, viaStdin.err)
        XCTAssertEqual(bytes("stdin.png"), bytes("file.png"))
        let viaStdout = try pipe(["convert", sample, "-", "--format", "png"])
        XCTAssertEqual(viaStdout.code, 0, viaStdout.err)
        XCTAssertEqual(viaStdout.out, bytes("file.png"))
        XCTAssertEqual(try pipe(["convert", sample, "-"]).code, 2, "stdout needs --format")
        XCTAssertEqual(try pipe(["convert", "-", dir + "/e.png"], stdin: Data()).code, 3)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory()).filter { $0.hasPrefix("restore-stdio-") }, [],
                       "no temporary file is left")
    }

    func pipe(_ args: [String], stdin: Data? = nil) throws -> (code: Int32, out: Data, err: String) {
        try CLITests.pipe(args, stdin: stdin)
    }

    func appendLE(_ d: inout Data, _ v: UInt16) { d.append(UInt8(v & 0xFF)); d.append(UInt8(v >> 8)) }
}

/// Video through ffmpeg (skipped where ffmpeg is not installed; CI installs it).
final class VideoCommandTests: XCTestCase {
    var dir = ""
    override func setUp() { dir = Fixtures.temporaryDirectory() }
    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    func sh(_ command: String) throws -> (code: Int32, out: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        let o = Pipe()
        p.standardOutput = o; p.standardError = o
        try p.run()
        let d = o.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: d, as: UTF8.self))
    }

    func testVideoKeepsRateFramesAudioAndTimecode() throws {
        guard try sh("command -v ffmpeg && command -v ffprobe").code == 0 else { throw XCTSkip("ffmpeg is not installed") }
        let clip = dir + "/clip.mov", out = dir + "/out.mov"
        let made = try sh("ffmpeg -v error -f lavfi -i testsrc2=size=64x48:rate=24000/1001:duration=0.5 -f lavfi -i sine=frequency=440:duration=0.5 "
                          + "-c:v ffv1 -c:a pcm_s16le -timecode 01:00:00:00 -shortest -y '\(clip)'")
        XCTAssertEqual(made.code, 0, made.out)
        let r = try CLITests.run(["run", clip, out, "--denoise", "5", "--scale", "2", "--codec", "ffv1"])
        XCTAssertEqual(r.code, 0, r.stderr)
        let probe = "ffprobe -v error -select_streams v:0 -show_entries stream=width,height,nb_frames,r_frame_rate,codec_name:stream_tags=timecode -of compact=p=0 "
        let before = try sh(probe + "'\(clip)'").out, after = try sh(probe + "'\(out)'").out
        XCTAssertTrue(after.contains("width=128|height=96"), after)
        XCTAssertTrue(after.contains("r_frame_rate=24000/1001"), after)
        XCTAssertTrue(after.contains("timecode=01:00:00:00"), after)
        let frames = { (s: String) in s.split(separator: "|").first { $0.hasPrefix("nb_frames=") } }
        XCTAssertEqual(frames(after), frames(before), "\(before) → \(after)")
        let audio = try sh("ffprobe -v error -select_streams a -show_entries stream=codec_name -of csv=p=0 '\(out)'").out
        XCTAssertTrue(audio.contains("pcm_s16le"), "audio copied: \(audio)")
        XCTAssertEqual(try CLITests.run(["run", clip, out]).code, 4, "an existing output is refused")
        XCTAssertEqual(try CLITests.run(["run", clip, clip, "--force"]).code, 2, "never the input")
        XCTAssertEqual(try CLITests.run(["run", clip, dir + "/x.mkv", "--codec", "vp9000"]).code, 2)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.contains(".restore-") }, [])
    }
}

/// The command line's conventions: typo suggestions, completions with values, clear errors.
final class CLIConventionTests: XCTestCase {
    func testAMisspeltSubcommandNamesTheRightOne() throws {
        let r = try CLITests.run(["upscal", "a.png", "b.png"])
        XCTAssertEqual(r.code, 2)
        XCTAssertTrue(r.stderr.contains("did you mean 'restore upscale'"), r.stderr)
        let nested = try CLITests.run(["lut", "aply", "x.cube", "a.png", "b.png"])
        XCTAssertEqual(nested.code, 2)
        XCTAssertTrue(nested.stderr.contains("did you mean 'restore lut apply'"), nested.stderr)
        // An existing file named like a command is an input, not a typo.
        let dir = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        XCTAssertFalse(try CLITests.run([dir + "/upscal", dir + "/o.png"]).stderr.contains("did you mean"))
    }

    func testCompletionsListValues() throws {
        let bash = try CLITests.run(["--generate-completion-script", "bash"])
        XCTAssertEqual(bash.code, 0)
        for values in ["'perceptual'$'\\n''relative'", "'auto'$'\\n''off'", "'prores'", "'json'"] {
            XCTAssertTrue(bash.stdout.contains(values), "completions should offer \(values)")
        }
    }

    func testVideoWithoutFFmpegIsAClearError() throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CLITests.binary)
        let dir = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        FileManager.default.createFile(atPath: dir + "/clip.mov", contents: Data([0]))
        p.arguments = ["run", dir + "/clip.mov", dir + "/out.mov"]
        p.environment = ["PATH": dir]
        let e = Pipe()
        p.standardError = e
        try p.run()
        let text = String(decoding: e.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 2, text)
        XCTAssertTrue(text.contains("ffprobe") && text.contains("not on PATH"), text)
    }
}
