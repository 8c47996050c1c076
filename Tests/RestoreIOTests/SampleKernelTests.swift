import RestoreCore
@testable import RestoreIO
import RestoreTestSupport
import XCTest

/// The vectorised sample conversions against the scalar reference (`Samples.interleave` and
/// `Samples.deinterleave` with `Quantize` / exact division): bit-identical on every width (the
/// vector body and the scalar tail), channel count, pixel stride and special value.
final class SampleKernelTests: XCTestCase {
    /// Floats that probe every branch of `Quantize`: NaN, ±infinity, negatives, values above 1,
    /// the rounding halves of both code ranges, and random values in [-0.1, 1.1].
    private func probeSamples(_ count: Int, seed: UInt64) -> [Float] {
        var rng = SplitMix(seed: seed)
        let specials: [Float] = [.nan, .infinity, -.infinity, -0.0, 0, 1, -1, 2, 0.5, 1e-9, .leastNonzeroMagnitude,
                                 127.5 / 255, 254.5 / 255, 0.5 / 255, 32767.5 / 65535, 65534.5 / 65535,
                                 0.99999994, 1.0000001]
        return (0..<count).map { i in
            i % 5 == 0 ? specials[(i / 5) % specials.count] : Float(rng.next() % 1_200_001) / 1_000_000 - 0.1
        }
    }

    func testInterleaveMatchesTheScalarQuantizer() {
        for channels in 1...4 {
            for width in [1, 7, 8, 9, 37, 64] {
                let rows = 3, n = width * rows
                let planes = probeSamples(channels * n, seed: UInt64(channels * 100 + width))
                var want8 = [UInt8](repeating: 0, count: n * channels), got8 = want8
                var want16 = [UInt16](repeating: 0, count: n * channels), got16 = want16
                var gotBE = [UInt8](repeating: 0, count: 1 + 2 * n * channels)  // odd offset: unaligned
                planes.withUnsafeBufferPointer { p in
                    let s = p.baseAddress!
                    Samples.interleave(s, planeSize: n, width: width, channels: channels, srcRow: 0, rows: rows,
                                       into: &want8, dstStride: width * channels, convert: Quantize.to8)
                    Samples.interleave8(s, planeSize: n, width: width, channels: channels, srcRow: 0, rows: rows,
                                        into: &got8, dstStride: width * channels)
                    Samples.interleave(s, planeSize: n, width: width, channels: channels, srcRow: 0, rows: rows,
                                       into: &want16, dstStride: width * channels, convert: Quantize.to16)
                    got16.withUnsafeMutableBytes { d in
                        Samples.interleave16(s, planeSize: n, width: width, channels: channels, srcRow: 0, rows: rows,
                                             into: d.baseAddress!, dstStride: 2 * width * channels, bigEndian: false)
                    }
                    gotBE.withUnsafeMutableBytes { d in
                        Samples.interleave16(s, planeSize: n, width: width, channels: channels, srcRow: 0, rows: rows,
                                             into: d.baseAddress! + 1, dstStride: 2 * width * channels, bigEndian: true)
                    }
                }
                XCTAssertEqual(got8, want8, "8-bit, \(channels) channels, width \(width)")
                XCTAssertEqual(got16, want16, "16-bit, \(channels) channels, width \(width)")
                let be = (0..<(n * channels)).map { UInt16(gotBE[1 + 2 * $0]) << 8 | UInt16(gotBE[2 + 2 * $0]) }
                XCTAssertEqual(be, want16, "16-bit big-endian, \(channels) channels, width \(width)")
            }
        }
    }

    func testDeinterleaveMatchesExactDivision() {
        for (channels, pixelStride) in [(1, 1), (3, 3), (4, 4), (3, 5), (1, 2)] {
            for width in [1, 7, 8, 9, 37, 64] {
                let rows = 3, srcStride = width * pixelStride + 3  // padded rows
                var rng = SplitMix(seed: UInt64(channels * 1000 + width))
                let bytes = (0..<(srcStride * rows)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                let words = (0..<(srcStride * rows)).map { i in i % 7 == 0 ? UInt16.max : UInt16(truncatingIfNeeded: rng.next()) }
                let n = width * rows
                var want = [Float](repeating: -1, count: channels * n), got = want
                Samples.deinterleave(bytes, srcStride: srcStride, rows: rows, width: width, channels: channels,
                                     pixelStride: pixelStride, into: &want, planeSize: n, dstRow: 0, dstWidth: width) { Float($0) / 255 }
                Samples.deinterleave8(bytes, srcStride: srcStride, rows: rows, width: width, channels: channels,
                                      pixelStride: pixelStride, into: &got, planeSize: n, dstRow: 0, dstWidth: width)
                XCTAssertEqual(got.map(\.bitPattern), want.map(\.bitPattern), "8-bit, \(channels)/\(pixelStride), width \(width)")
                Samples.deinterleave(words, srcStride: srcStride, rows: rows, width: width, channels: channels,
                                     pixelStride: pixelStride, into: &want, planeSize: n, dstRow: 0, dstWidth: width) { Float($0) / 65535 }
                Samples.deinterleave16(words, srcStride: srcStride, rows: rows, width: width, channels: channels,
                                       pixelStride: pixelStride, into: &got, planeSize: n, dstRow: 0, dstWidth: width)
                XCTAssertEqual(got.map(\.bitPattern), want.map(\.bitPattern), "16-bit, \(channels)/\(pixelStride), width \(width)")
            }
        }
    }
}
