import Foundation
@testable import RestoreNN
import RestoreTestSupport
import SwiftProtobuf
import XCTest

/// Crafted models that crashed main (issue #14's list): each must now be refused with an
/// `NNError` naming the file, or (the valid open-ended slice) run. A signal would end the
/// test process, so merely finishing is part of the check.
final class HostileModelTests: XCTestCase {
    var dir = ""
    override func setUp() { dir = Fixtures.temporaryDirectory() }
    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    // MARK: ONNX

    func attr(_ name: String, ints: [Int64]? = nil, i: Int64? = nil, f: Float? = nil, floats: [Float]? = nil, s: String? = nil) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        if let ints { a.ints = ints; a.type = .ints }
        if let i { a.i = i; a.type = .int }
        if let f { a.f = f; a.type = .float }
        if let floats { a.floats = floats; a.type = .floats }
        if let s { a.s = Data(s.utf8); a.type = .string }
        return a
    }

    func tensor(_ name: String, _ dims: [Int64], _ values: [Float]) -> Onnx_TensorProto {
        var t = Onnx_TensorProto()
        t.name = name; t.dims = dims; t.dataType = 1; t.floatData = values
        return t
    }

    func node(_ op: String, _ inputs: [String], _ outputs: [String], _ attrs: [Onnx_AttributeProto] = []) -> Onnx_NodeProto {
        var n = Onnx_NodeProto()
        n.opType = op; n.name = op.lowercased(); n.input = inputs; n.output = outputs; n.attribute = attrs
        return n
    }

    /// A one-input graph "x" → "y" of `nodes`, with `initializers`, written to a file.
    func onnx(_ nodes: [Onnx_NodeProto], _ initializers: [Onnx_TensorProto] = [], _ name: String = #function) throws -> String {
        var g = Onnx_GraphProto()
        var x = Onnx_ValueInfoProto(); x.name = "x"
        var y = Onnx_ValueInfoProto(); y.name = "y"
        g.input = [x]; g.output = [y]; g.node = nodes; g.initializer = initializers
        var m = Onnx_ModelProto(); m.graph = g
        let path = dir + "/\(name.filter(\.isLetter))-\(nodes.count)-\(initializers.count).onnx"
        try Data(try m.serializedBytes() as [UInt8]).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Loads and probes the model: it must throw an NNError naming the file.
    func expectRefused(_ path: String, _ contains: String, _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        do {
            let g = try LayerGraph(onnx: path, backend: .reference)
            _ = try g.geometry()
            XCTFail("\(label): accepted", file: file, line: line)
        } catch {
            XCTAssertEqual(error.path, path, "\(label): \(error)", file: file, line: line)
            XCTAssertTrue(error.description.contains(contains), "\(label): '\(error.description)' lacks '\(contains)'", file: file, line: line)
        }
    }

    func conv(_ attrs: [Onnx_AttributeProto], weights: [Int64] = [4, 3, 3, 3], count: Int? = nil, bias: Int? = nil) throws -> String {
        let n = weights.reduce(1, *)
        var inits = [tensor("w", weights, [Float](repeating: 0.1, count: count ?? Int(max(0, n))))]
        var inputs = ["x", "w"]
        if let bias { inits.append(tensor("b", [Int64(bias)], [Float](repeating: 0, count: bias))); inputs.append("b") }
        return try onnx([node("Conv", inputs, ["y"], attrs)], inits, "conv\(attrs.count)-\(weights)-\(count ?? -1)-\(bias ?? -1)")
    }

    func testCraftedONNXModelsAreRefused() throws {
        expectRefused(try conv([], weights: [0, 3, 3, 3]), "weights of shape", "0 output channels")
        expectRefused(try conv([attr("kernel_shape", ints: [0, 0])]), "kernel_shape [0, 0] does not match", "kernel 0")
        expectRefused(try conv([attr("strides", ints: [0, 0])]), "stride must be within 1…64", "stride 0")
        expectRefused(try conv([attr("pads", ints: [Int64.max, 0, 0, 0])]), "pads must be within 0…4096", "pads Int64.max")
        expectRefused(try conv([], count: 10), "holds 10 values, not 108", "fewer weights than the shape")
        expectRefused(try conv([], bias: 64), "bias has 64 values, the layer needs 4", "a bias of 64 for 4 outputs (heap overflow in oneDNN on main)")
        expectRefused(try conv([], bias: 1), "bias has 1 values", "a bias of 1 (uninitialised channels on main)")
        for r: Int64 in [0, 1 << 40] {
            expectRefused(try onnx([node("DepthToSpace", ["x"], ["y"], [attr("blocksize", i: r)])], [], "d2s\(r)"), "factor must be within 1…64", "DepthToSpace \(r)")
        }
        expectRefused(try onnx([node("Clip", [], ["y"])]), "takes 1 inputs, the file gives 0", "Clip with no input")
        let wT = tensor("w", [3, 4, 2, 2], [Float](repeating: 0.1, count: 20))
        expectRefused(try onnx([node("ConvTranspose", ["x", "w"], ["y"], [attr("strides", ints: [2, 2])])], [wT], "convT"), "holds 20 values, not 48", "ConvTranspose with fewer weights")
        let wK = tensor("w", [3, 4, 2, 2], [Float](repeating: 0.1, count: 48))
        expectRefused(try onnx([node("ConvTranspose", ["x", "w"], ["y"], [attr("kernel_shape", ints: [-1, -1])])], [wK], "convTk"), "does not match", "kernel −1")
        expectRefused(try onnx([node("ConvTranspose", ["x", "w"], ["y"], [attr("output_padding", ints: [1 << 20, 0])])], [wK], "convTop"), "output_padding must be within 0…64", "output padding 2^20")
        for (i, s) in [Float.nan, .infinity, 1e30, 100_000].enumerated() {
            let sc = tensor("s", [4], [1, 1, s, s])
            expectRefused(try onnx([node("Resize", ["x", "", "s"], ["y"])], [sc], "resize\(i)"),
                          s.isFinite ? "scale must be two factors in (0, 64]" : "scale holds a non-finite value", "Resize ×\(s)")
            let sz = tensor("z", [4], [1, 3, s, s])
            expectRefused(try onnx([node("Resize", ["x", "", "", "z"], ["y"])], [sz], "sizes\(i)"), i == 0 || i == 1 ? "sizes holds" : "size must be within 0…65536", "Resize sizes \(s)")
        }
        let nanPads = tensor("p", [8], [0, 0, .nan, 0, 0, 0, 1, 1])
        expectRefused(try onnx([node("Pad", ["x", "p"], ["y"])], [nanPads], "padnan"), "the pads holds nan", "Pad NaN")
        let bigPads = tensor("p", [8], [0, 0, 100_000, 0, 0, 0, 1, 1])
        expectRefused(try onnx([node("Pad", ["x", "p"], ["y"])], [bigPads], "padbig"), "pads must be within 0…4096", "Pad 100000 (4.8e11 bytes on main)")
        let sliceNaN = [tensor("a", [1], [.nan]), tensor("b", [1], [3]), tensor("ax", [1], [1])]
        expectRefused(try onnx([node("Slice", ["x", "a", "b", "ax"], ["y"])], sliceNaN, "slicenan"), "the starts holds nan", "Slice NaN")
        expectRefused(try onnx([node("Constant", [], [], [])]), "has no output", "Constant with no output")
        expectRefused(try onnx([node("Identity", [], ["y"])]), "takes 1 input, the file gives 0", "Identity with no input")
        expectRefused(try onnx([node("Gather", ["x"], ["y"])]), "op type 'Gather'", "an unknown op names itself")
    }

    func testAnOpenEndedSliceAsPyTorchExportsItRuns() throws {
        // x[:, 1:] exports its end as INT64_MAX, which Int64(Float) trapped on.
        let consts = [tensor("a", [1], [1]), tensor("b", [1], [Float(Int64.max)]), tensor("ax", [1], [1])]
        let g = try LayerGraph(onnx: try onnx([node("Slice", ["x", "a", "b", "ax"], ["y"])], consts), backend: .reference)
        let out = try g.run(Tensor(c: 3, h: 2, w: 2, data: (0..<12).map(Float.init)))
        XCTAssertEqual([out.c, out.h, out.w], [2, 2, 2])
        XCTAssertEqual(out.data, (4..<12).map(Float.init))
    }

    // MARK: ncnn

    func ncnn(_ layers: [String], bin: [UInt8] = [], _ name: String) throws -> String {
        let param = dir + "/\(name).param"
        try ("7767517\n\(layers.count) \(layers.count + 1)\n" + layers.joined(separator: "\n") + "\n").write(toFile: param, atomically: true, encoding: .utf8)
        try Data(bin).write(to: URL(fileURLWithPath: dir + "/\(name).bin"))
        return param
    }

    func expectRefusedNCNN(_ layer: String, bin: [UInt8] = [], _ contains: String, _ label: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let path = try ncnn(["Input in 0 1 in", layer], bin: bin, label.filter(\.isLetter))
        do {
            let g = try NCNNModel(param: path, backend: .reference)
            _ = try g.geometry()
            XCTFail("\(label): accepted", file: file, line: line)
        } catch {
            XCTAssertTrue(error.description.contains(contains), "\(label): '\(error.description)' lacks '\(contains)'", file: file, line: line)
        }
    }

    func testCraftedNCNNModelsAreRefused() throws {
        try expectRefusedNCNN("Interp up 1 1 in out 0=1 1=-1e400 2=2.0", "expected a finite number for parameter 1", "float -1e400")
        try expectRefusedNCNN("Noop n 9223372036854775807 1 in out", "expected 'TYPE NAME N_IN N_OUT", "N_IN 2^63-1")
        try expectRefusedNCNN("Noop n 1 9223372036854775807 in out", "expected 'TYPE NAME N_IN N_OUT", "N_OUT 2^63-1")
        try expectRefusedNCNN("Eltwise e 1 1 in out \(Int.min)=1,1.0", "parameter id", "array id Int.min")
        try expectRefusedNCNN("Eltwise e 1 1 in out -23301=9223372036854775807,1.0", "expected an array", "array count 2^63-1")
        try expectRefusedNCNN("Convolution c 1 1 in out 0=4 1=3 6=9223372036854775800", "declares 9223372036854775800 weights, more than the file's 0 bytes hold", "huge weight count")
        try expectRefusedNCNN("Convolution c 1 1 in out 0=3037000500 1=3037000500 6=1", "inconsistent", "outC×kh×kw overflow")
        try expectRefusedNCNN("PReLU p 1 1 in out 0=4611686018427387904", "float32 values past the end", "huge PReLU count")
        try expectRefusedNCNN("InnerProduct i 1 1 in out 0=4 1=1 2=4611686018427387904", "declares", "huge InnerProduct count")
        var bin: [UInt8] = [0, 0, 0, 0]
        for _ in 0..<(4 * 3 * 9) { bin += [0, 0, 0x80, 0x3F] }
        try expectRefusedNCNN("Convolution c 1 1 in out 0=4 1=3 3=0 6=108", bin: bin, "stride must be within 1…64", "stride 0")
        try expectRefusedNCNN("PixelShuffle ps 1 1 in out 0=0", "factor must be within 1…64", "PixelShuffle 0")
        try expectRefusedNCNN("Interp up 1 1 in out 0=1 1=100000.0 2=100000.0", "scale must be two factors in (0, 64]", "Interp ×100000")
        try expectRefusedNCNN("Softmax s 1 1 in out", "layer type 'Softmax' is not one restore reads", "an unknown layer names itself")
    }

    // MARK: safetensors

    func safetensors(_ header: String, data: Int = 0, _ name: String) throws -> String {
        let h = Array(header.utf8)
        var bytes = (0..<8).map { UInt8((h.count >> (8 * $0)) & 0xFF) } + h
        bytes += [UInt8](repeating: 0, count: data)
        let path = dir + "/\(name).safetensors"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    func testCraftedSafetensorsAreRefused() throws {
        let cases = [
            (#"{"w": {"dtype": "F32", "shape": [4611686018427387904, 4], "data_offsets": [0, 16]}}"#, "does not fit the file", "shape product overflow"),
            (#"{"w": {"dtype": "F32", "shape": [4], "data_offsets": [9223372036854775800, 9223372036854775807]}}"#, "lie outside the file", "offset overflow"),
            (#"{"w": {"dtype": "F32", "shape": [2305843009213693952], "data_offsets": [0, 16]}}"#, "does not fit the file", "count × width overflow"),
            (#"{"body.0.weight": {"dtype": "F32", "shape": [4, 0, 3, 3], "data_offsets": [0, 0]}, "body.0.bias": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}}"#, "takes 0 input channels", "srvgg with 0 input channels"),
        ]
        for (i, (header, contains, label)) in cases.enumerated() {
            let path = try safetensors(header, data: 16, "s\(i)")
            XCTAssertThrowsError(try LayerGraph(safetensors: path, architecture: .srvgg, backend: .reference), label) { e in
                XCTAssertTrue("\(e)".contains(contains), "\(label): \(e)")
            }
        }
    }
}
