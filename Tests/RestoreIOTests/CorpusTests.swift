import RestoreCore
@testable import RestoreIO
import RestoreTestSupport
import XCTest

/// Every file written by an independent encoder (Pillow, pypng, tifffile, ImageMagick) decodes
/// to the reference pixels those tools produced, and re-encoding is lossless.
final class CorpusTests: XCTestCase {
    func testEveryCorpusFileDecodesToItsReference() throws {
        let entries = try Fixtures.manifest()
        XCTAssertGreaterThan(entries.count, 50)
        let adobe = try Fixtures.bytes(Fixtures.path("colour/adobe.icc"))
        for e in entries {
            let image = try ImageFiles.read(path: Fixtures.path(e.name))
            XCTAssertEqual(image.width, e.width, e.name)
            XCTAssertEqual(image.height, e.height, e.name)
            XCTAssertEqual(image.colorChannels, e.colorChannels, e.name)
            XCTAssertEqual(image.hasAlpha, e.hasAlpha, e.name)
            let diff = maxAbsDifference(image.samples, try e.expected())
            XCTAssertLessThanOrEqual(diff, e.sampleTolerance, "\(e.name): max difference \(diff)")
            if e.hasICC { XCTAssertEqual(image.metadata.iccProfile, adobe, "\(e.name): ICC bytes changed") }
            else { XCTAssertNil(image.metadata.iccProfile, e.name) }
        }
    }

    func testHeaderMatchesDecodedImage() throws {
        for e in try Fixtures.manifest() {
            let info = try ImageFiles.inspect(path: Fixtures.path(e.name))
            XCTAssertEqual(info.width, e.width, e.name)
            XCTAssertEqual(info.height, e.height, e.name)
            XCTAssertEqual(info.channels, e.channels, e.name)
        }
    }

    /// Decode → encode in the same family at the kept depth → decode: identical samples.
    func testReencodingIsLossless() throws {
        let dir = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for e in try Fixtures.manifest() where !e.name.hasSuffix(".jpg") {
            let image = try ImageFiles.read(path: Fixtures.path(e.name))
            let depth = OutputDepth.keeping(image.metadata.sampleFormat)
            var targets: [String] = ["tif"]
            if depth != .float32 { targets.append("png") }
            for ext in targets {
                let out = "\(dir)/\(e.name).\(ext)"
                try ImageFiles.write(image, to: out, options: EncodeOptions(depth: depth))
                let again = try ImageFiles.read(path: out)
                if e.alpha == "assoc" {
                    // Un-premultiplied values fall between integer levels; writing rounds them.
                    XCTAssertLessThanOrEqual(maxAbsDifference(again.samples, image.samples), 0.5 / 65535 + 1e-7, e.name)
                } else {
                    XCTAssertSamplesEqual(again.samples, image.samples, "\(e.name) → .\(ext)")
                }
                XCTAssertEqual(again.metadata.iccProfile, image.metadata.iccProfile, "\(e.name) → .\(ext) ICC")
                XCTAssertEqual(again.hasAlpha, image.hasAlpha)
            }
        }
    }

    func testEveryTIFFCompressionRoundTrips() throws {
        let dir = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for name in ["tf_u8_c4.tif", "tf_u16_c2.tif", "tf_f32_c3.tif"] {
            let image = try ImageFiles.read(path: Fixtures.path(name))
            for c in TIFFCompression.allCases {
                let out = "\(dir)/\(c.rawValue)-\(name)"
                try ImageFiles.write(image, to: out, options: EncodeOptions(depth: .keeping(image.metadata.sampleFormat), tiffCompression: c))
                XCTAssertSamplesEqual(try ImageFiles.read(path: out).samples, image.samples, "\(name) \(c)")
                XCTAssertEqual(try ImageFiles.inspect(path: out).compression, c.rawValue)
            }
        }
    }

    /// Strips are compressed in parallel: the file must not depend on the thread count.
    func testTIFFBytesDoNotDependOnThreadCount() throws {
        let dir = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // 300 x 2000 16-bit RGB: about 14 strips of 256 KiB.
        let image = Image(width: 300, height: 2000, colorChannels: 3, hasAlpha: false,
                          samples: (0..<(3 * 300 * 2000)).map { Float(($0 * 7919) % 65536) / 65535 })
        for c in TIFFCompression.allCases {
            try ImageFiles.write(image, to: "\(dir)/1-\(c).tif", options: EncodeOptions(depth: .uint16, tiffCompression: c, threads: 1))
            try ImageFiles.write(image, to: "\(dir)/3-\(c).tif", options: EncodeOptions(depth: .uint16, tiffCompression: c, threads: 3))
            XCTAssertEqual(try Fixtures.bytes("\(dir)/1-\(c).tif"), try Fixtures.bytes("\(dir)/3-\(c).tif"), "\(c)")
        }
    }

    func testEightBitFileIsBitIdenticalAfterReadWrite() throws {
        let dir = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Integer mapping: v/255 and back rounds to v for every v.
        let all = Image(width: 256, height: 1, colorChannels: 1, hasAlpha: false,
                        samples: (0..<256).map { Float($0) / 255 })
        try ImageFiles.write(all, to: dir + "/ramp.png", options: EncodeOptions(depth: .uint8))
        XCTAssertSamplesEqual(try ImageFiles.read(path: dir + "/ramp.png").samples, all.samples, "")
        let ramp16 = Image(width: 256, height: 256, colorChannels: 1, hasAlpha: false,
                           samples: (0..<65536).map { Float($0) / 65535 })
        try ImageFiles.write(ramp16, to: dir + "/ramp16.tif", options: EncodeOptions(depth: .uint16))
        XCTAssertSamplesEqual(try ImageFiles.read(path: dir + "/ramp16.tif").samples, ramp16.samples, "")
    }

    func testFloatValuesOutsideUnitRangeAreKept() throws {
        let image = try ImageFiles.read(path: Fixtures.path("tf_f32_c3.tif"))
        XCTAssertLessThan(image.samples.min()!, 0)
        XCTAssertGreaterThan(image.samples.max()!, 1)
        XCTAssertEqual(image.metadata.sampleFormat, .float(bits: 32))
    }

    func testMetadata() throws {
        let tif = try ImageFiles.read(path: Fixtures.path("tf_u16_rgb_adobe_icc.tif"))
        XCTAssertEqual(tif.metadata.resolution?.dpi?.x, 300)
        let assoc = try ImageFiles.inspect(path: Fixtures.path("tf_u16_rgba_assoc.tif"))
        XCTAssertEqual(assoc.alpha, .premultiplied)
        XCTAssertEqual(try ImageFiles.inspect(path: Fixtures.path("tf_u16_rgb_tiled.tif")).layout.first { $0.hasPrefix("tiled") }, "tiled 16x16")
        XCTAssertTrue(try ImageFiles.inspect(path: Fixtures.path("tf_u16_rgba_planar.tif")).layout.contains("planar"))
        XCTAssertTrue(try ImageFiles.inspect(path: Fixtures.path("im_rgb16_interlaced.png")).layout.contains("interlaced"))
        XCTAssertEqual(try ImageFiles.inspect(path: Fixtures.path("pypng_gray2.png")).sampleFormat, .unsigned(bits: 2))
    }

    /// EXIF orientation is applied on read (matching Pillow's exif_transpose) and reset to 1
    /// in the kept EXIF, so writing it back does not rotate twice.
    func testOrientationIsAppliedAndReset() throws {
        for o in 1...8 {
            let image = try ImageFiles.read(path: Fixtures.path("pil_orient\(o).jpg"))
            let exif = try XCTUnwrap(image.metadata.exif)
            XCTAssertEqual(EXIF.orientation(exif), 1, "orientation \(o)")
            let info = try ImageFiles.inspect(path: Fixtures.path("pil_orient\(o).jpg"))
            XCTAssertEqual(info.width, image.width)
        }
    }

    func testSniffingBeatsTheExtension() throws {
        let dir = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let wrong = dir + "/actually-png.jpg"
        try FileManager.default.copyItem(atPath: Fixtures.path("pil_rgb8.png"), toPath: wrong)
        XCTAssertEqual(try ImageFiles.detectFormat(path: wrong), .png)
        XCTAssertSamplesEqual(try ImageFiles.read(path: wrong).samples, try ImageFiles.read(path: Fixtures.path("pil_rgb8.png")).samples, "")
    }

    func testDecodingIsIndependentOfThreadCount() throws {
        for name in ["tf_u16_rgb_tiled.tif", "tf_u8_rgb_strips3.tif", "im_rgb16.png", "pil_rgb.jpg"] {
            let one = try ImageFiles.read(path: Fixtures.path(name), threads: 1)
            let many = try ImageFiles.read(path: Fixtures.path(name), threads: 7)
            XCTAssertSamplesEqual(one.samples, many.samples, name)
        }
    }
}
