import Foundation
import RestoreColor
import RestoreCore
import RestoreIO
import RestoreTestSupport
import XCTest

/// Data safety through the binary (issue #14): no input is ever written whatever `--force`
/// says, interrupts leave no temporary file and exit 130/143, stale temporary files are
/// cleaned, closed pipes and short streams are exit codes with messages, FIFOs fail at once.
final class SafetyTests: XCTestCase {
    var dir = ""
    override func setUp() { dir = Fixtures.temporaryDirectory() }
    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }
    func restore(_ args: String...) throws -> CLITests.Result { try CLITests.run(args) }

    func bash(_ script: String) throws -> (code: Int32, out: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = ["-c", script]
        p.environment = ProcessInfo.processInfo.environment.merging(["RESTORE": CLITests.binary, "D": dir]) { $1 }
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    func testNoOutputMayBeAFileTheCommandReads() throws {
        let cube = dir + "/id.cube", hald = dir + "/hald.png", input = Fixtures.path("pil_rgb8.png")
        try "LUT_3D_SIZE 2\n0 0 0\n1 0 0\n0 1 0\n1 1 0\n0 0 1\n1 0 1\n0 1 1\n1 1 1\n".write(toFile: cube, atomically: true, encoding: .utf8)
        var r = try restore("lut", "convert", cube, hald)
        XCTAssertEqual(r.code, 0, r.stderr)
        let before = try Data(contentsOf: URL(fileURLWithPath: hald))
        for args in [["lut", "apply", hald, input, hald, "--force"], ["run", input, hald, "--denoise", "off", "--lut", hald, "--force"]] {
            r = try CLITests.run(args)
            XCTAssertEqual(r.code, 2, "\(args): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("output is the input"), r.stderr)
        }
        let config = dir + "/c.yaml"
        try "presets:\n  p:\n    - lut: {file: hald.png}\n".write(toFile: config, atomically: true, encoding: .utf8)
        r = try restore("run", input, hald, "--config", config, "--preset", "p", "--force")
        XCTAssertEqual(r.code, 2, r.stderr)
        r = try restore("run", input, config.replacingOccurrences(of: ".yaml", with: ".png"), "--config", config, "--preset", "p")
        XCTAssertEqual(r.code, 0, "a different output is fine: \(r.stderr)")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: hald)), before, "the Hald LUT is untouched")
    }

    func testACorruptEmbeddedProfileIsDroppedWithAWarningNamingTheInput() throws {
        // A tag pointing past the end: main failed at the *output* ("write failed … ICC
        // profile tag outside profile", exit 4).
        var icc = try Fixtures.bytes(Fixtures.path("colour/adobe.icc"))
        icc[132 + 4] = 0x7F
        var image = try ImageFiles.read(path: Fixtures.path("tf_u8_c3.tif"))
        image.metadata.iccProfile = icc
        let input = dir + "/badicc.tif", out = dir + "/o.png"
        try ImageFiles.write(image, to: input, options: EncodeOptions(depth: .uint8))
        let r = try restore("convert", input, out)
        XCTAssertEqual(r.code, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("\(input): warning: embedded ICC profile ignored: "), r.stderr)
        XCTAssertTrue(r.stderr.contains("tag 1 of 10 lies outside the profile"), r.stderr)
        XCTAssertNil(try ImageFiles.read(path: out).metadata.iccProfile)
        XCTAssertTrue(try restore("info", input).stdout.contains("invalid: tag 1 of"))
    }

    func testInterruptsRemoveTheTemporaryFileAndExit130Or143() throws {
        // A large float TIFF write gives the signal time to land while the temporary exists.
        var big = Image(width: 2400, height: 2000, colorChannels: 3, hasAlpha: false)
        for i in big.samples.indices { big.samples[i] = Float(i % 4099) / 4099 }
        try ImageFiles.write(big, to: dir + "/big.png", options: EncodeOptions(depth: .uint16, pngCompressionLevel: 1))
        for (signal, code) in [("INT", 130), ("TERM", 143)] {
            let r = try bash("""
                cd "$D"; rm -f out.tif
                "$RESTORE" convert big.png out.tif --depth 32 --compression deflate --threads 1 & pid=$!
                for i in $(seq 1 3000); do ls -a | grep -q '^\\.out\\.tif\\.restore-' && break; sleep 0.005; done
                kill -\(signal) $pid; wait $pid; echo "exit $?"; ls -a | grep restore- || echo clean
                """)
            XCTAssertTrue(r.out.contains("exit \(code)"), "SIG\(signal): \(r.out)")
            XCTAssertTrue(r.out.contains("clean"), "SIG\(signal) left a temporary file: \(r.out)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/out.tif"))
        }
    }

    func testStaleTemporaryFilesOfDeadProcessesAreCleaned() throws {
        let dead = dir + "/.o.png.restore-999999999-abcdef", live = dir + "/.o.png.restore-\(getpid())-abcdef"
        for f in [dead, live] { FileManager.default.createFile(atPath: f, contents: Data()) }
        let r = try restore("convert", Fixtures.path("pil_rgb8.png"), dir + "/o.png")
        XCTAssertEqual(r.code, 0, r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dead), "a dead process's temporary file is removed")
        XCTAssertTrue(FileManager.default.fileExists(atPath: live), "a running process's temporary file is left alone")
    }

    func testStreamsClosedPipesShortFramesAndFIFOs() throws {
        let cube = dir + "/id.cube"
        try "LUT_3D_SIZE 2\n0 0 0\n1 0 0\n0 1 0\n1 1 0\n0 0 1\n1 0 1\n0 1 1\n1 1 1\n".write(toFile: cube, atomically: true, encoding: .utf8)
        // A reader that stops early: exit 4 with a message (main: killed by SIGPIPE, 141).
        var r = try bash("""
            head -c 12288000 /dev/zero | "$RESTORE" lut apply "$D/id.cube" - - --raw 64x64:rgb24 2>"$D/err" | head -c 1000 >/dev/null
            echo "exit ${PIPESTATUS[1]}"; cat "$D/err"
            """)
        XCTAssertTrue(r.out.contains("exit 4"), r.out)
        XCTAssertTrue(r.out.contains("the reader closed the output"), r.out)
        // 10.5 frames: the 10 complete ones are written, then the error (main dropped some).
        for _ in 0..<5 {
            r = try bash("""
                head -c \(64 * 64 * 3 * 21 / 2) /dev/urandom | "$RESTORE" lut apply "$D/id.cube" - - --raw 64x64:rgb24 2>"$D/err" | wc -c
                echo "exit ${PIPESTATUS[1]}"; cat "$D/err"
                """)
            XCTAssertTrue(r.out.hasPrefix("\(64 * 64 * 3 * 10)\n"), r.out)
            XCTAssertTrue(r.out.contains("exit 3") && r.out.contains("frame 11 is short"), r.out)
        }
        // A FIFO fails at once instead of blocking.
        r = try bash("""
            mkfifo "$D/fifo.cube"; timeout 10 "$RESTORE" info "$D/fifo.cube"; echo "exit $?"
            timeout 10 "$RESTORE" lut info "$D/fifo.cube"; echo "exit $?"
            """)
        XCTAssertEqual(r.out.components(separatedBy: "exit 3").count, 3, r.out)
        XCTAssertTrue(r.out.contains("is a FIFO"), r.out)
    }
}
