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
            let spec = LayerSpec(op: "Convolution", name: "c", inputs: ["x"], outputs: ["y"], location: SourceLocation(file: nil, index: 1))
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
            // oneDNN's fast kernels want whole channel blocks; otherwise our reference runs
            // (its `ref` kernels are never used), with the same result.
            if c.outC % Tensor.block == 0 { XCTAssertEqual(fastNext.fallbacks, 0, "oneDNN refused a blocked input for \(c)") }
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
            let spec = LayerSpec(op: "Deconvolution", name: "d", inputs: ["x"], outputs: ["y"], location: SourceLocation(file: nil, index: 1))
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

    func testWinogradMatchesDirect() throws {
        try XCTSkipUnless(OneDNN.shared.available, "oneDNN did not initialise")
        var rng = RNG(s: 5)
        let spec = LayerSpec(op: "Convolution", name: "c", inputs: ["x"], outputs: ["y"], location: SourceLocation(file: nil, index: 1))
        let ref = ConvolutionLayer(spec: spec, g: ConvGeometry(outC: 64, kw: 3, kh: 3, dw: 1, dh: 1, sw: 1, sh: 1, padL: 1, padR: 1, padT: 1, padB: 1,
                                   weights: (0..<(64 * 64 * 9)).map { _ in rng.next() * 0.1 }, bias: (0..<64).map { _ in rng.next() }, activation: .leaky(0.1)),
                                   padValue: 0)
        let x = Tensor(c: 64, h: 37, w: 29, data: (0..<(64 * 37 * 29)).map { _ in rng.next() }).toBlocked
        let saved = OneDNNConvolution.allowWinograd
        defer { OneDNNConvolution.allowWinograd = saved }
        var outs: [Tensor] = []
        for winograd in [true, false] {
            OneDNNConvolution.allowWinograd = winograd
            let fast = try XCTUnwrap(OneDNNConvolution(ref))
            outs.append(try fast.forward([x])[0].plain)
            XCTAssertEqual(fast.fallbacks, 0)
        }
        XCTAssertLessThanOrEqual(maxAbsDifference(outs[0].data, outs[1].data), 1e-5, "Winograd against direct")
        XCTAssertLessThanOrEqual(maxAbsDifference(outs[1].data, try ref.forward([x.plain])[0].data), 2e-5, "direct against the reference")
    }

    func testPatchDeconvolutionMatchesReference() throws {
        try XCTSkipUnless(OneDNN.shared.available, "oneDNN did not initialise")
        var rng = RNG(s: 17)
        for (inC, outC, k, act) in [(16, 16, 2, Activation.leaky(0.1)), (32, 16, 2, .none), (16, 32, 3, .relu)] {
            let spec = LayerSpec(op: "Deconvolution", name: "d", inputs: ["x"], outputs: ["y"], location: SourceLocation(file: nil, index: 1))
            let ref = DeconvolutionLayer(spec: spec, g: ConvGeometry(outC: outC, kw: k, kh: k, dw: 1, dh: 1, sw: k, sh: k,
                                         padL: 0, padR: 0, padT: 0, padB: 0, weights: (0..<(outC * inC * k * k)).map { _ in rng.next() * 0.3 },
                                         bias: (0..<outC).map { _ in rng.next() }, activation: act), outPadR: 0, outPadB: 0)
            let fast = try XCTUnwrap(OneDNNPatchDeconvolution(ref, threads: 2), "kernel = stride qualifies")
            let x = Tensor(c: inC, h: 9, w: 13, data: (0..<(inC * 9 * 13)).map { _ in rng.next() })
            for input in [x, x.toBlocked] {
                let b = try fast.forward([input])[0]
                XCTAssertTrue(b.blocked)
                XCTAssertLessThanOrEqual(maxAbsDifference(b.plain.data, try ref.forward([x])[0].data), 2e-5, "\(inC)→\(outC) k\(k)")
            }
        }
    }

    /// oneDNN's binary primitive against `BinaryOpLayer`: bit-identical (one IEEE operation per
    /// element) for every op it takes, on plain, blocked and partial-block (21-channel) tensors;
    /// the ops it does not take stay on the reference.
    func testBinaryOpMatchesReference() throws {
        try XCTSkipUnless(OneDNN.shared.available, "oneDNN did not initialise")
        var rng = RNG(s: 91)
        let spec = LayerSpec(op: "BinaryOp", name: "b", inputs: ["x", "y"], outputs: ["z"], location: SourceLocation(file: nil, index: 1))
        func random(_ c: Int, _ h: Int, _ w: Int) -> Tensor { Tensor(c: c, h: h, w: w, data: (0..<(c * h * w)).map { _ in rng.next() }) }
        for op in 0...8 {
            let ref = BinaryOpLayer(spec: spec, op: op, withScalar: false, b: 0)
            guard let fast = OneDNNBinary(ref) else {
                XCTAssertTrue([3, 6, 7, 8].contains(op), "op \(op) should run on oneDNN")
                continue
            }
            for (c, h, w) in [(3, 7, 9), (16, 5, 13), (21, 9, 11), (64, 4, 3)] {
                let x = random(c, h, w), y = random(c, h, w)
                let want = try ref.forward([x, y])[0].data
                XCTAssertEqual(try fast.forward([x, y])[0].plain.data, want, "op \(op), \(c)×\(h)×\(w), plain")
                let blocked = try fast.forward([x.toBlocked, y.toBlocked])[0]
                XCTAssertTrue(blocked.blocked)
                XCTAssertEqual(blocked.plain.data, want, "op \(op), \(c)×\(h)×\(w), blocked")
                XCTAssertEqual(try fast.forward([x.toBlocked, y])[0].plain.data, want, "op \(op), \(c)×\(h)×\(w), mixed")
            }
        }
        XCTAssertNil(OneDNNBinary(BinaryOpLayer(spec: spec, op: 0, withScalar: true, b: 2)), "a scalar operand stays on the reference")
    }

    /// The reference ops that also take blocked tensors give the same values as on plain ones.
    func testBlockedLayoutOpsMatchPlain() throws {
        var rng = RNG(s: 23)
        let spec = LayerSpec(op: "Op", name: "o", inputs: ["a", "b"], outputs: ["y"], location: SourceLocation(file: nil, index: 1))
        func random(_ c: Int, _ h: Int, _ w: Int) -> Tensor { Tensor(c: c, h: h, w: w, data: (0..<(c * h * w)).map { _ in rng.next() }) }
        let a = random(32, 9, 11), b = random(32, 9, 11), small = random(32, 5, 6), v = random(32, 1, 1), odd = random(21, 9, 11)
        let cases: [(String, any Layer, [Tensor])] = [
            ("eltwise sum", EltwiseLayer(spec: spec, op: 1, coeffs: []), [a, b]),
            ("eltwise product", EltwiseLayer(spec: spec, op: 0, coeffs: []), [a, b]),
            ("binary sub", BinaryOpLayer(spec: spec, op: 1, withScalar: false, b: 0), [a, b]),
            ("binary scalar", BinaryOpLayer(spec: spec, op: 2, withScalar: true, b: 1.5), [odd]),
            ("concat", ConcatLayer(spec: spec), [a, b]),
            ("concat of a partial block", ConcatLayer(spec: spec), [odd, a]),
            ("crop", CropLayer(spec: spec, wOffset: 3, hOffset: 2), [a, small]),
            ("scale", ScaleLayer(spec: spec), [a, v]),
            ("pool", GlobalAveragePoolLayer(spec: spec), [odd]),
            ("nearest x2", InterpLayer(spec: spec, type: 1, hScale: 2, wScale: 2, outH: 0, outW: 0), [odd]),
            ("activation", ActivationLayer(spec: spec, activation: .leaky(0.2)), [odd]),
        ]
        for (name, layer, inputs) in cases {
            XCTAssertTrue(layer.acceptsBlocked, name)
            let plain = try layer.forward(inputs)[0]
            let blocked = try layer.forward(inputs.enumerated().map { $0.offset == 0 || $0.element.h > 1 ? $0.element.toBlocked : $0.element })[0]
            XCTAssertEqual(blocked.plain.data, plain.plain.data, name)
        }
    }
}
