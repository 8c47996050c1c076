import RestoreColor
import RestoreCore
import RestoreIO
import RestoreTestSupport
import XCTest

final class ColorTests: XCTestCase {
    /// Adobe RGB (16-bit, embedded profile) → sRGB through our API agrees with LittleCMS's own
    /// `tificc -c0 -t0 -w16 -o*sRGB` within one 8-bit level (measured: see the assertion text).
    func testAdobeRGBToSRGBMatchesTificc() throws {
        let source = try ImageFiles.read(path: Fixtures.path("colour/adobe16.tif"))
        let reference = try ImageFiles.read(path: Fixtures.path("colour/adobe16_to_srgb_tificc.tif"))
        let profile = try ColorProfile(iccData: try XCTUnwrap(source.metadata.iccProfile))
        XCTAssertEqual(profile.colorSpace, .rgb)
        let t = try ColorTransform(from: profile, to: .named(.srgb), intent: .perceptual)
        let ours = try t.apply(to: source)
        // The float pipeline is unbounded (out-of-gamut colours leave 0…1); a 16-bit file clips.
        let clipped = ours.samples.map { min(max($0, 0), 1) }
        let diff = maxAbsDifference(clipped, reference.samples)
        XCTAssertLessThanOrEqual(diff, 1.0 / 255, "max difference \(diff * 65535) 16-bit levels")
        // Tighter in practice: within a few 16-bit levels.
        XCTAssertLessThanOrEqual(diff * 65535, 64, "max difference \(diff * 65535) 16-bit levels")
        XCTAssertEqual(ours.metadata, source.metadata, "a transform touches pixels only")
    }

    func testEveryNamedSpaceBuildsAndRoundTrips() throws {
        let srgb = ColorProfile.named(.srgb)
        let colours: [Float] = [0, 0.001, 0.02, 0.18, 0.5, 0.73, 1]
        let n = colours.count * colours.count
        var samples = [Float](repeating: 0, count: 3 * n)
        for (i, r) in colours.enumerated() {
            for (j, g) in colours.enumerated() {
                let k = i * colours.count + j
                samples[k] = r; samples[n + k] = g; samples[2 * n + k] = Float(i + j) / Float(2 * colours.count)
            }
        }
        let image = Image(width: n, height: 1, colorChannels: 3, hasAlpha: false, samples: samples)
        for space in NamedSpace.allCases {
            let p = ColorProfile.named(space)
            XCTAssertEqual(p.colorSpace, .rgb, space.rawValue)
            XCTAssertTrue(p.name.contains("restore built-in"), p.name)
            XCTAssertNotNil(p.grayCompanion, space.rawValue)
            // Every space here contains the sRGB gamut, so sRGB → space → sRGB returns.
            let there = try ColorTransform(from: srgb, to: p, intent: .relative).apply(to: image)
            let back = try ColorTransform(from: p, to: srgb, intent: .relative).apply(to: there)
            XCTAssertLessThanOrEqual(maxAbsDifference(back.samples, samples), 2e-4, space.rawValue)
            // Reparsing the embedded bytes gives the same profile.
            XCTAssertEqual(try ColorProfile(iccData: p.iccData).name, p.name)
        }
    }

    func testLinearSRGBValues() throws {
        let image = Image(width: 3, height: 1, colorChannels: 3, hasAlpha: false,
                          samples: [0.5, 1, 0.04045, 0.5, 1, 0.04045, 0.5, 1, 0.04045])
        let lin = try ColorTransform(from: .named(.srgb), to: .named(.linearSRGB), intent: .relative).apply(to: image)
        // IEC 61966-2-1: ((0.5 + 0.055) / 1.055)^2.4 = 0.214041; 0.04045 / 12.92 = 0.0031308.
        XCTAssertEqual(lin[0, 0, 0], 0.214041, accuracy: 2e-5)
        XCTAssertEqual(lin[1, 0, 1], 1, accuracy: 2e-5)
        XCTAssertEqual(lin[2, 0, 2], 0.0031308, accuracy: 2e-5)
    }

    func testSameSpaceIsIdentityAndThreadCountDoesNotMatter() throws {
        let source = try ImageFiles.read(path: Fixtures.path("colour/adobe16.tif"))
        let p = try ColorProfile(iccData: source.metadata.iccProfile!)
        let same = try ColorTransform(from: p, to: p, intent: .relative).apply(to: source)
        XCTAssertLessThanOrEqual(maxAbsDifference(same.samples, source.samples), 2e-5)
        let t = try ColorTransform(from: p, to: .named(.displayP3))
        XCTAssertSamplesEqual(try t.apply(to: source, threads: 1).samples, try t.apply(to: source, threads: 5).samples, "")
    }

    func testEquivalenceIgnoresDates() throws {
        let p = ColorProfile.named(.adobeRGB)
        var bytes = p.iccData
        bytes[25] ^= 0x01  // another creation year
        XCTAssertTrue(p.isEquivalent(to: try ColorProfile(iccData: bytes)))
        XCTAssertFalse(p.isEquivalent(to: .named(.srgb)))
    }

    func testGrayImagesUseGrayProfilesAndCanBecomeRGB() throws {
        let gray = try ImageFiles.read(path: Fixtures.path("tf_u16_c2.tif"))
        let toGray = try ColorTransform(from: .named(.srgb).grayCompanion!, to: ColorProfile.named(.linearSRGB).grayCompanion!)
        let lin = try toGray.apply(to: gray)
        XCTAssertEqual(lin.colorChannels, 1)
        XCTAssertEqual(lin.samples[gray.planeSize...], gray.samples[gray.planeSize...], "alpha untouched")
        let toRGB = try ColorTransform(from: .named(.srgb).grayCompanion!, to: .named(.srgb))
        let rgb = try toRGB.apply(to: gray)
        XCTAssertEqual(rgb.colorChannels, 3)
        XCTAssertTrue(rgb.hasAlpha)
        XCTAssertLessThanOrEqual(maxAbsDifference(Array(rgb.samples[0..<gray.planeSize]), Array(gray.samples[0..<gray.planeSize])), 1e-3)
    }

    func testErrors() {
        XCTAssertThrowsError(try ColorProfile.resolve("no-such-space")) { e in
            let err = e as! ColorError
            XCTAssertEqual(err.reason, .unknownSpace)
            XCTAssertTrue(err.message.contains("srgb, rec709, display-p3"), err.message)
            XCTAssertEqual(err.category, .usage)
        }
        XCTAssertThrowsError(try ColorProfile(iccData: [UInt8](repeating: 7, count: 300))) { e in
            XCTAssertEqual((e as! ColorError).reason, .badProfile)
        }
        XCTAssertEqual(NamedSpace(lenient: "sRGB"), .srgb)
        XCTAssertEqual(NamedSpace(lenient: "Display_P3"), .displayP3)
    }

    func testPNGHintsBuildAProfile() throws {
        let p = try XCTUnwrap(ColorProfile.fromHints(ColorHints(gamma: 1 / 2.2)))
        XCTAssertEqual(p.colorSpace, .rgb)
        XCTAssertTrue(ColorProfile.fromHints(ColorHints(srgbIntent: 0))!.isEquivalent(to: .named(.srgb)))
        XCTAssertNil(ColorProfile.fromHints(ColorHints()))
    }
}
