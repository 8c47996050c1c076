@testable import RestoreNN
import RestoreTestSupport
import XCTest

/// Every op the oneDNN backend runs against the reference, on seeded random tensors of odd sizes.
final class BackendDifferentialTests: XCTestCase {
    struct RNG { var s: UInt64; mutating func next() -> Float { s = s &* 6364136223846793005 &+ 1442695040888963407; return Float(s >> 40) / Float(1 << 24) * 2 - 1 } }

    func testConvolutionMatchesReference() throws {
        try XCTSkipUnless(OneDNN.shared.available, "oneDNN did not initialise")
        var rng = RNG(s: 77)
        let configs: [(inC: Int, outC: Int, k: Int, s: Int, pad: Int, h: Int, w: Int, act: Activation, bias: Bool)] = [
            (3, 8, 3, 1, 1, 13, 17, .leaky(0.2), true), (16, 16, 3, 1, 1, 9, 11, .none, true),
            (5, 7, 1, 1, 0, 7, 5, .relu, false), (8, 12, 2, 2, 0, 14, 10, .leaky(0.1), true),
            (4, 6, 3, 1, 0, 11, 9, .sigmoid, true), (64, 64, 3, 1, 1, 15, 13, .leaky(0.1), true),
        ]
        for c in configs {
            let spec = NCNNLayerSpec(type: "Convolution", name: "c", inputs: ["x"], outputs: ["y"], params: [:], line: 1)
            let ref = ConvolutionLayer(spec: spec, g: ConvGeometry(outC: c.outC, kw: c.k, kh: c.k, dw: 1, dh: 1, sw: c.s, sh: c.s,
                                       padL: c.pad, padR: c.pad, padT: c.pad, padB: c.pad,
                                       weights: (0..<(c.outC * c.inC * c.k * c.k)).map { _ in rng.next() * 0.3 },
                                       bias: c.bias ? (0..<c.outC).map { _ in rng.next() } : nil, activation: c.act), padValue: 0)
            let fast = try XCTUnwrap(OneDNNConvolution(ref))
            let x = Tensor(c: c.inC, h: c.h, w: c.w, data: (0..<(c.inC * c.h * c.w)).map { _ in rng.next() })
            let a = try ref.forward([x])[0], b = try fast.forward([x])[0].plain
            XCTAssertEqual([a.c, a.h, a.w], [b.c, b.h, b.w])
            XCTAssertLessThanOrEqual(maxAbsDifference(a.data, b.data), 2e-5, "\(c)")
            // The primitive cache serves a second size correctly too.
            let y = Tensor(c: c.inC, h: c.h + 3, w: c.w + 1, data: (0..<(c.inC * (c.h + 3) * (c.w + 1))).map { _ in rng.next() })
            XCTAssertLessThanOrEqual(maxAbsDifference(try ref.forward([y])[0].data, try fast.forward([y])[0].plain.data), 2e-5)
            XCTAssertEqual(fast.fallbacks, 0, "oneDNN refused \(c)")
            // A blocked tensor (as between fast layers) through PReLU and a second fast layer.
            let slopes = (0..<c.outC).map { _ in rng.next() }
            let prelu = PReLULayer(spec: spec, slopes: slopes)
            let blocked = try prelu.forward(try fast.forward([x]))[0]
            XCTAssertTrue(blocked.blocked)
            let expectedPReLU = try prelu.forward([a])[0]
            XCTAssertLessThanOrEqual(maxAbsDifference(blocked.plain.data, expectedPReLU.data), 2e-5, "blocked PReLU")
            let next = ConvolutionLayer(spec: spec, g: ConvGeometry(outC: 5, kw: 3, kh: 3, dw: 1, dh: 1, sw: 1, sh: 1, padL: 1, padR: 1, padT: 1, padB: 1,
                                        weights: (0..<(5 * c.outC * 9)).map { _ in rng.next() * 0.2 }, bias: nil, activation: .none), padValue: 0)
            let fastNext = try XCTUnwrap(OneDNNConvolution(next))
            XCTAssertLessThanOrEqual(maxAbsDifference(try fastNext.forward([blocked])[0].plain.data, try next.forward([expectedPReLU])[0].data),
                                     2e-5, "blocked in")
            // oneDNN's fast kernels want whole blocks of 8 channels; otherwise our reference runs
            // (its `ref` kernels are never used), with the same result.
            if c.outC % 8 == 0 { XCTAssertEqual(fastNext.fallbacks, 0, "oneDNN refused a blocked input for \(c)") }
        }
    }

    func testDeconvolutionMatchesReference() throws {
        try XCTSkipUnless(OneDNN.shared.available, "oneDNN did not initialise")
        var rng = RNG(s: 91)
        // upconv_7's 4×4/2 with a crop of 3, cunet's 2×2/2, and an odd case with leaky ReLU.
        let configs: [(inC: Int, outC: Int, k: Int, s: Int, pad: Int, h: Int, w: Int, act: Activation)] = [
            (16, 3, 4, 2, 3, 9, 11, .none), (16, 16, 2, 2, 0, 7, 5, .leaky(0.1)), (5, 7, 3, 1, 1, 6, 9, .relu),
        ]
        for c in configs {
            let spec = NCNNLayerSpec(type: "Deconvolution", name: "d", inputs: ["x"], outputs: ["y"], params: [:], line: 1)
            let ref = DeconvolutionLayer(spec: spec, g: ConvGeometry(outC: c.outC, kw: c.k, kh: c.k, dw: 1, dh: 1, sw: c.s, sh: c.s,
                                         padL: c.pad, padR: c.pad, padT: c.pad, padB: c.pad,
                                         weights: (0..<(c.outC * c.inC * c.k * c.k)).map { _ in rng.next() * 0.3 },
                                         bias: (0..<c.outC).map { _ in rng.next() }, activation: c.act), outPadR: 0, outPadB: 0)
            let fast = try XCTUnwrap(OneDNNConvolution(ref))
            let x = Tensor(c: c.inC, h: c.h, w: c.w, data: (0..<(c.inC * c.h * c.w)).map { _ in rng.next() })
            let a = try ref.forward([x])[0], b = try fast.forward([x])[0].plain
            XCTAssertEqual([a.c, a.h, a.w], [b.c, b.h, b.w], "\(c)")
            XCTAssertLessThanOrEqual(maxAbsDifference(a.data, b.data), 2e-5, "\(c)")
            if c.outC % 8 == 0 { XCTAssertEqual(fast.fallbacks, 0, "oneDNN refused \(c)") }
        }
    }
}
