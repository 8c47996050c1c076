import Foundation
import RestoreTestSupport
import XCTest

/// Runs the built `restore` binary and checks its contract: exit codes, messages naming the
/// file, outputs written atomically, inputs untouched.
final class CLITests: XCTestCase {
    var dir = ""
    override func setUp() { dir = Fixtures.temporaryDirectory() }
    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    /// The `restore` executable beside this test bundle (SwiftPM builds it as a dependency).
    static let binary: String = {
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        for _ in 0..<4 {
            url.deleteLastPathComponent()
            let candidate = url.appendingPathComponent("restore").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        let built = URL(fileURLWithPath: Fixtures.repository).appendingPathComponent(".build/debug/restore").path
        return built
    }()

    struct Result { var code: Int32; var stdout: String; var stderr: String }

    @discardableResult
    func restore(_ args: String...) throws -> Result { try Self.run(args) }

    /// Runs the binary with `args`, collecting its exit code and output.
    static func run(_ args: [String]) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.binary)
        p.arguments = args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(code: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    /// Runs the binary with `stdin` fed from another thread, collecting stdout and stderr.
    static func pipe(_ args: [String], stdin: Data? = nil) throws -> (code: Int32, out: Data, err: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CLITests.binary)
        p.arguments = args
        let o = Pipe(), e = Pipe(), i = Pipe()
        p.standardOutput = o; p.standardError = e; p.standardInput = i
        try p.run()
        DispatchQueue.global().async { if let stdin { i.fileHandleForWriting.write(stdin) }; try? i.fileHandleForWriting.close() }
        nonisolated(unsafe) var err = Data()
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async { err = e.fileHandleForReading.readDataToEndOfFile(); done.signal() }
        let out = o.fileHandleForReading.readDataToEndOfFile()
        done.wait()
        p.waitUntilExit()
        return (p.terminationStatus, out, String(decoding: err, as: UTF8.self))
    }

    func leftovers() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.contains(".restore-") }
    }

    func testInfoJSON() throws {
        let r = try restore("info", Fixtures.path("tf_u16_rgb_adobe_icc.tif"), "--json")
        XCTAssertEqual(r.code, 0, r.stderr)
        let obj = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(obj["format"] as? String, "tiff")
        XCTAssertEqual(obj["width"] as? Int, 37)
        XCTAssertEqual(obj["height"] as? Int, 23)
        XCTAssertEqual(obj["channels"] as? Int, 3)
        XCTAssertEqual(obj["bits"] as? Int, 16)
        XCTAssertEqual(obj["sample_format"] as? String, "uint")
        XCTAssertEqual(obj["has_alpha"] as? Bool, false)
        XCTAssertEqual(obj["icc"] as? String, "Compatible with Adobe RGB (1998)")
        XCTAssertEqual(obj["dpi"] as? [Double], [300, 300])
        let png = try restore("info", Fixtures.path("pil_rgba8.png"), "--json")
        let o2 = try JSONSerialization.jsonObject(with: Data(png.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(o2["has_alpha"] as? Bool, true)
        XCTAssertTrue(o2["icc"] is NSNull)
        let text = try restore("info", Fixtures.path("tf_f32_rgb_tiled_planar.tif"))
        XCTAssertTrue(text.stdout.contains("32-bit float"), text.stdout)
        XCTAssertTrue(text.stdout.contains("planar"), text.stdout)
    }

    func testConvertKeepsDepthAlphaAndProfile() throws {
        let out = dir + "/out.png"
        let r = try restore("convert", Fixtures.path("tf_u16_c4.tif"), out)
        XCTAssertEqual(r.code, 0, r.stderr)
        let info = try restore("info", out, "--json")
        let obj = try JSONSerialization.jsonObject(with: Data(info.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(obj["bits"] as? Int, 16)
        XCTAssertEqual(obj["has_alpha"] as? Bool, true)
        XCTAssertEqual(try leftovers(), [])
        // ICC kept byte for byte through the default command.
        let icc = dir + "/icc.tif"
        XCTAssertEqual(try restore(Fixtures.path("pil_rgb8_adobe_icc.png"), icc).code, 0)
        let o = try JSONSerialization.jsonObject(with: Data(try restore("info", icc, "--json").stdout.utf8)) as! [String: Any]
        XCTAssertEqual(o["icc_bytes"] as? Int, try Fixtures.bytes(Fixtures.path("colour/adobe.icc")).count)
    }

    func testConvertToSpaceEmbedsTarget() throws {
        let out = dir + "/p3.tif"
        let r = try restore("convert", Fixtures.path("colour/adobe16.tif"), out, "--to", "display-p3", "--intent", "relative", "--bpc")
        XCTAssertEqual(r.code, 0, r.stderr)
        XCTAssertTrue(try restore("info", out).stdout.contains("Display P3"))
    }

    func testFloatToPNGWarnsAndWrites16() throws {
        let out = dir + "/f.png"
        let r = try restore("convert", Fixtures.path("tf_f32_c3.tif"), out)
        XCTAssertEqual(r.code, 0)
        XCTAssertTrue(r.stderr.contains("warning"), r.stderr)
        XCTAssertTrue(try restore("info", out).stdout.contains("16-bit"))
        XCTAssertEqual(try restore("convert", Fixtures.path("tf_f32_c3.tif"), dir + "/g.png", "--depth", "32").code, 2)
    }

    func testExitCodesAndMessages() throws {
        let missing = try restore("convert", dir + "/missing.tif", dir + "/x.png")
        XCTAssertEqual(missing.code, 3)
        XCTAssertTrue(missing.stderr.hasPrefix("restore: \(dir)/missing.tif: "), missing.stderr)

        let broken = dir + "/broken.tif"
        let good = try Fixtures.bytes(Fixtures.path("tf_u16_rgb_deflate.tif"))
        FileManager.default.createFile(atPath: broken, contents: Data(good.prefix(good.count / 2)))
        let r = try restore("convert", broken, dir + "/y.png")
        XCTAssertEqual(r.code, 3, r.stderr)
        XCTAssertTrue(r.stderr.contains(broken), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/y.png"))

        XCTAssertEqual(try restore("convert", Fixtures.path("pil_rgb8.png"), dir + "/z.bmp").code, 4)
        XCTAssertEqual(try restore("convert", Fixtures.path("pil_rgb8.png"), "/nonexistent-dir/z.png").code, 4)
        XCTAssertEqual(try restore("convert", Fixtures.path("pil_rgb8.png"), dir + "/z.png", "--depth", "12").code, 2)
        XCTAssertEqual(try restore("convert", Fixtures.path("pil_rgb8.png"), dir + "/z.png", "--to", "nowhere").code, 2)
        XCTAssertEqual(try restore("convert", Fixtures.path("pil_rgba8.png"), dir + "/z.jpg").code, 2)
        XCTAssertEqual(try restore("frobnicate").code, 2)
        XCTAssertEqual(try leftovers(), [])
    }

    func testOutputsAreNeverOverwrittenWithoutForceAndInputsNever() throws {
        let input = dir + "/in.png"
        try FileManager.default.copyItem(atPath: Fixtures.path("pil_rgb8.png"), toPath: input)
        let before = try Fixtures.bytes(input)
        let same = try restore("convert", input, input, "--force")
        XCTAssertEqual(same.code, 2, same.stderr)
        try FileManager.default.createSymbolicLink(atPath: dir + "/alias.png", withDestinationPath: input)
        XCTAssertEqual(try restore("convert", input, dir + "/alias.png", "--force").code, 2)
        XCTAssertEqual(try Fixtures.bytes(input), before)

        let out = dir + "/out.tif"
        XCTAssertEqual(try restore("convert", input, out).code, 0)
        let exists = try restore("convert", input, out)
        XCTAssertEqual(exists.code, 4)
        XCTAssertTrue(exists.stderr.contains("--force"), exists.stderr)
        XCTAssertEqual(try restore("convert", input, out, "--force", "--compression", "lzw").code, 0)
        XCTAssertEqual(try leftovers(), [])
    }

    func testHelpAndVersionExitZero() throws {
        XCTAssertEqual(try restore("--help").code, 0)
        XCTAssertEqual(try restore("--version").code, 0)
        XCTAssertTrue(try restore("convert", "--help").stdout.contains("--intent"))
    }
}
