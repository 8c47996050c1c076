import Foundation
import RestoreNN
import RestoreTestSupport
import XCTest

/// The `.param` grammar and `.bin` reading, on small hand-written graphs.
final class NCNNFormatTests: XCTestCase {
    var dir = ""
    override func setUp() { dir = Fixtures.temporaryDirectory() }
    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    func write(_ param: String, _ bin: [UInt8]) throws -> String {
        try param.write(toFile: dir + "/m.param", atomically: true, encoding: .utf8)
        FileManager.default.createFile(atPath: dir + "/m.bin", contents: Data(bin))
        return dir + "/m.param"
    }
    func le(_ v: [Float]) -> [UInt8] { v.flatMap { f -> [UInt8] in let b = f.bitPattern; return [UInt8(b & 0xFF), UInt8(b >> 8 & 0xFF), UInt8(b >> 16 & 0xFF), UInt8(b >> 24)] } }

    func testParamsArraysAndFloats() throws {
        let layers = try NCNNParam.parse("""
            7767517
            2 2
            Input            data   0 1 data
            Eltwise          sum    1 1 data out 0=1 -23301=2,2.000000e-01,1.0 5=3
            """, path: "t.param")
        XCTAssertEqual(layers[1].params[0], .int(1))
        XCTAssertEqual(layers[1].params[1], .array([0.2, 1.0]))
        XCTAssertThrowsError(try NCNNParam.parse("7767518\n0 0\n", path: "t.param"))
        XCTAssertThrowsError(try NCNNParam.parse("7767517\n1 1\nInput data 0\n", path: "t.param")) { e in
            XCTAssertEqual((e as! NNError).line, 3)
        }
    }

    /// A 1×1 convolution with fp16 weights and fused leaky ReLU, then PixelShuffle: checked
    /// against hand-computed values.
    func testConvolutionFP16AndPixelShuffle() throws {
        // 4 output channels from 1 input channel, weights [1, -2, 0.5, 3] (fp16), bias [0, 0, 0, 1].
        let fp16: [UInt16] = [0x3C00, 0xC000, 0x3800, 0x4200]
        var bin: [UInt8] = [0x47, 0x6B, 0x30, 0x01]
        for h in fp16 { bin += [UInt8(h & 0xFF), UInt8(h >> 8)] }
        bin += le([0, 0, 0, 1])
        let p = try write("""
            7767517
            3 3
            Input            data   0 1 data
            Convolution      conv   1 1 data c 0=4 1=1 5=1 6=4 9=2 -23310=1,1.000000e-01
            PixelShuffle     ps     1 1 c output 0=2
            """, bin)
        let m = try NCNNModel(param: p)
        let out = try m.run(Tensor(c: 1, h: 1, w: 1, data: [2]))
        XCTAssertEqual([out.c, out.h, out.w], [1, 2, 2])
        // conv: [2, -4 → leaky -0.4, 1, 7]; shuffle puts channel i·2+j at (i, j).
        XCTAssertEqual(out.data, [2, -0.4, 1, 7])
    }

    func testWeightSizeMismatchAndUnknownLayer() throws {
        let p = try write("""
            7767517
            2 2
            Input            data   0 1 data
            Convolution      conv   1 1 data out 0=1 1=1 6=1
            """, [0, 0, 0, 0] + le([1, 2]))
        XCTAssertThrowsError(try NCNNModel(param: p)) { e in XCTAssertEqual((e as! NNError).reason, .badWeights) }
        let q = try write("7767517\n2 2\nInput data 0 1 data\nSoftmax sm 1 1 data out\n", [])
        XCTAssertThrowsError(try NCNNModel(param: q)) { e in
            let err = e as! NNError
            XCTAssertEqual(err.reason, .unsupportedLayer)
            XCTAssertTrue(err.description.contains("Softmax 'sm'"), err.description)
            XCTAssertTrue(err.description.contains("m.param"), err.description)
        }
    }
}
