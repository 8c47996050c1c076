import Foundation
import RestoreCore
import RestoreLUT
import RestoreTestSupport
import XCTest

/// Format tests in OpenColorIO's manner: a good sample broken one defect at a time, each
/// message asserted (file, line, what was expected); writers read back what they wrote.
final class FormatTests: XCTestCase {
    let good = """
        # made by hand
        TITLE "Test cube"
        LUT_3D_SIZE 2
        DOMAIN_MIN 0 0 0
        DOMAIN_MAX 1 1 1
        0 0 0
        1 0 0
        0 1.0 0
        1 1 0
        0 0 1
        1 0 1
        0.0 1 1
        1 1 1
        """

    func parse(_ text: String, _ format: LUTFormat = .cube) throws -> LUT {
        try LUTFiles.parse(text, format: format, path: "test.\(format.extensions[0])")
    }

    func expectError(_ text: String, _ format: LUTFormat = .cube, line: Int?, contains: String,
                     file: StaticString = #filePath, lineNo: UInt = #line) {
        XCTAssertThrowsError(try parse(text, format), file: file, line: lineNo) { e in
            let err = e as! LUTError
            XCTAssertEqual(err.path, "test.\(format.extensions[0])", file: file, line: lineNo)
            XCTAssertEqual(err.line, line, "\(err.message)", file: file, line: lineNo)
            XCTAssertTrue(err.description.contains(contains), "'\(err.description)' lacks '\(contains)'", file: file, line: lineNo)
        }
    }

    func replacing(_ line: Int, with text: String) -> String {
        var l = good.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        l[line - 1] = text
        return l.joined(separator: "\n")
    }

    func testGoodSampleAndLeniency() throws {
        let lut = try parse(good)
        XCTAssertEqual(lut.title, "Test cube")
        XCTAssertEqual(lut.threeD?.size, 2)
        // CRLF, tabs, scientific notation, long decimals, integers.
        let messy = good.replacingOccurrences(of: "\n", with: "\r\n").replacingOccurrences(of: "1 0 0", with: "1.0000000000\t0e0 0")
        XCTAssertEqual(try parse(messy), lut)
    }

    func testBrokenOneDefectAtATime() {
        expectError(replacing(6, with: "0 0"), line: 6, contains: "line 6: found '0 0', expected a row of 3 numbers")
        expectError(replacing(7, with: "1 zero 0"), line: 7, contains: "expected a row of 3 numbers")
        expectError(replacing(3, with: "LUT_3D_SIZE 1"), line: 3, contains: "LUT_3D_SIZE followed by a size of 2 to 256")
        expectError(replacing(3, with: "LUT_3D_SIZE x"), line: 3, contains: "found 'LUT_3D_SIZE x'")
        expectError(replacing(4, with: "DOMAIN_MIN 0 0"), line: 4, contains: "DOMAIN_MIN followed by 3 numbers")
        expectError(replacing(5, with: "DOMAIN_MAX 0 1 1"), line: 5, contains: "domain minimum below maximum")
        expectError(replacing(13, with: ""), line: 12, contains: "8 rows for LUT_3D_SIZE 2, but the table has 7")
        expectError(good + "\n1 1 1", line: 14, contains: "but the table has 9")
        expectError(replacing(3, with: "# no size"), line: 6, contains: "LUT_1D_SIZE or LUT_3D_SIZE before the table")
        expectError(good + "\nLUT_1D_SIZE 4", line: 14, contains: "keywords go before the table")
    }

    func testResolveShaperPlus3D() throws {
        let text = """
            LUT_1D_SIZE 3
            LUT_1D_INPUT_RANGE -0.5 1.5
            LUT_3D_SIZE 2
            0 0 0
            0.5 0.5 0.5
            1 1 1
            """ + "\n" + (0..<8).map { i in "\(i & 1) \((i >> 1) & 1) \((i >> 2) & 1)" }.joined(separator: "\n")
        let lut = try parse(text)
        XCTAssertEqual(lut.kind, "1D+3D")
        XCTAssertEqual(lut.oneD?.domainMin, [-0.5, -0.5, -0.5])
        let p = LUTProcessor(lut)
        XCTAssertEqual(p.evaluate(SIMD3(0.5, -0.5, 1.5)).x, 0.5, accuracy: 1e-6)  // shaper maps 0.5 → 0.5
        XCTAssertEqual(p.evaluate(SIMD3(0.5, -0.5, 1.5)).y, 0, accuracy: 1e-6)
    }

    func testOtherFormatsReportLines() {
        expectError("0 512 1023\n0 0 0\n1 2\n", .threeDL, line: 3, contains: "a row of 3 integers")
        expectError("Version 1\nFrom 0 1\nLength 2\nComponents 2\n{\n0\n1\n}", .spi1d, line: 4, contains: "Components 1 or 3")
        expectError("Version 1\nFrom 0 1\nLength 3\nComponents 1\n{\n0\n1\n}", .spi1d, line: 8, contains: "3 rows (Length 3), but the table has 2")
        expectError("SPILUT 1.0\n3 3\n2 2 2\n0 0 0 0 0 0\n0 0 9 1 1 1\n", .spi3d, line: 5, contains: "indices 0…1")
        expectError("CSPLUTV100\n2D\n", .csp, line: 2, contains: "1D or 3D")
        expectError("CSPLUTV100\n3D\n2\n0 1\n0 1\n2\n0 1\n0 1\n2\n0 1\n0 1\n2 2 2\n0 0\n", .csp, line: 13, contains: "a row of 3 numbers")
    }

    func testWritersRoundTrip() throws {
        var rng = KernelTests.RNG(s: 17)
        let cube = LUT3D(size: 5, values: (0..<375).map { _ in rng.next() })
        let shaper = LUT1D(size: 7, values: (0..<21).map { _ in rng.next() }, domainMin: [0, 0, 0], domainMax: [1, 1, 1])
        let cases: [(LUTFormat, LUT, Float)] = [
            (.cube, LUT(title: "t", oneD: shaper, threeD: cube), 0),
            (.threeDL, LUT(threeD: cube), 0.5 / 4095 + 1e-6),
            (.spi3d, LUT(threeD: cube), 0),
            (.spi1d, LUT(oneD: shaper), 0),
            (.csp, LUT(threeD: cube), 0),
            (.csp, LUT(oneD: shaper), 0),
        ]
        for (format, lut, tolerance) in cases {
            let text = try LUTFiles.serialize(lut, format: format, path: nil)
            let back = try LUTFiles.parse(text, format: format, path: nil)
            if let a = lut.threeD { XCTAssertLessThanOrEqual(maxAbsDifference(a.values, back.threeD!.values), tolerance, "\(format)") }
            if let a = lut.oneD, lut.threeD == nil || format == .cube {
                XCTAssertLessThanOrEqual(maxAbsDifference(a.values, back.oneD!.values), tolerance, "\(format)")
            }
        }
        XCTAssertThrowsError(try LUTFiles.serialize(LUT(oneD: shaper), format: .threeDL, path: "x.3dl"))
    }

    func testCSPPreLUTIsPiecewiseLinear() throws {
        // Pre-LUT maps 0…2 onto the cube's 0…1 with a knee at input 0.5 → 0.75.
        let pre = "3\n0 0.5 2\n0 0.75 1\n"
        let text = "CSPLUTV100\n3D\n" + pre + pre + pre + "2 2 2\n" + (0..<8).map { i in "\(i & 1) \((i >> 1) & 1) \((i >> 2) & 1)" }.joined(separator: "\n")
        let p = LUTProcessor(try parse(text, .csp))
        XCTAssertEqual(p.evaluate(SIMD3(0.25, 0.5, 1.25)).x, 0.375, accuracy: 1e-4)
        XCTAssertEqual(p.evaluate(SIMD3(0.25, 0.5, 1.25)).y, 0.75, accuracy: 1e-4)
        XCTAssertEqual(p.evaluate(SIMD3(0.25, 0.5, 1.25)).z, 0.875, accuracy: 1e-4)
    }

    func testHaldRoundTrip() throws {
        var rng = KernelTests.RNG(s: 23)
        let cube = LUT3D(size: 16, values: (0..<(3 * 4096)).map { _ in rng.next() })
        let image = try HaldCLUT.image(from: LUT(threeD: cube))
        XCTAssertEqual(image.width, 64)
        XCTAssertEqual(try HaldCLUT.lut(from: image).threeD, cube)
        XCTAssertThrowsError(try HaldCLUT.lut(from: RestoreCore.Image(width: 60, height: 60, colorChannels: 3, hasAlpha: false)))
    }

    func testTheRegistryTriesTheOtherFormatsAndReportsEach() throws {
        // A .3dl's text saved as .cube reads (as OpenColorIO's FileTransform would), and a file
        // no format reads gets the extension's reason plus every other format's.
        let threeDL = try LUTFiles.serialize(try parse(good), format: .threeDL, path: nil)
        XCTAssertEqual(try parse(threeDL, .cube).threeD?.size, 2)
        XCTAssertThrowsError(try parse("LUT_3D_SIZE 2\nnot numbers\n")) { e in
            let m = (e as! LUTError).message
            for ext in [".3dl", ".spi1d", ".spi3d", ".csp", ".clf", ".cdl"] { XCTAssertTrue(m.contains(ext + ": "), m) }
            XCTAssertTrue(m.contains("8 rows for LUT_3D_SIZE 2"), m)
        }
        XCTAssertEqual(LUTFormat.allCases.map(\.rawValue), ["cube", "3dl", "spi1d", "spi3d", "csp", "clf", "cdl", "hald"])
        XCTAssertEqual(LUTFormat.fromExtension(of: "/a.b/LOOK.CUBE"), .cube)
        XCTAssertNil(LUTFormat.fromExtension(of: "/a.cube/look"))
    }

    func testHostileSizesAreRefusedBeforeAllocating() {
        // Each of these trapped or tried to allocate without bound on main (issue #14).
        expectError("Version 1\nFrom 0 1\nLength 3074457345618258603\nComponents 3\n{\n0 0 0\n}\n", .spi1d, line: 3,
                    contains: "Length from 2 to 16777216")
        expectError("SPILUT 1.0\n3 3\n1e30 1e30 1e30\n", .spi3d, line: 3, contains: "three equal sizes from 2 to 256")
        expectError("CSPLUTV100\n3D\n\n2\n0 1\n0 1\n2\n0 1\n0 1\n2\n0 1\n0 1\n\n1e20 1e20 1e20\n", .csp, line: 14,
                    contains: "three equal sizes from 2 to 256")
    }

    func testABOMIsSkippedAndControlBytesAreNeverEchoed() throws {
        XCTAssertEqual(try parse("\u{FEFF}" + good).threeD?.size, 2, "a UTF-8 BOM before TITLE")
        expectError(replacing(3, with: "LUT_3D_SIZE \u{1B}[31mred"), line: 3, contains: "\\x1B[31mred")
        XCTAssertThrowsError(try parse(replacing(3, with: "LUT_3D_SIZE \u{1B}[2J"))) { e in
            XCTAssertFalse("\(e)".contains("\u{1B}"), "an ESC byte reached the message")
        }
    }
}
