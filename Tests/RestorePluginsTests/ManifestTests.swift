import Foundation
import RestorePlugins
import RestoreTestSupport
import XCTest

/// plugin.yaml validation, registry discovery with broken plugins, native plugin loading.
final class ManifestTests: XCTestCase {
    var dir = ""
    override func setUp() { dir = Fixtures.temporaryDirectory() }
    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    @discardableResult
    func plugin(_ name: String, _ yaml: String, files: [String] = []) throws -> String {
        let folder = dir + "/" + name
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try yaml.write(toFile: folder + "/plugin.yaml", atomically: true, encoding: .utf8)
        for f in files { FileManager.default.createFile(atPath: folder + "/" + f, contents: Data("x".utf8)) }
        return folder
    }

    let model = """
        id: my-sr
        kind: model
        stage: upscale
        format: ncnn
        family: realesrgan
        files: {param: net.param}
        scale: 2
        parameters:
          - {name: strength, type: float, range: [0, 1], default: 0.5}
        license: MIT
        flavour: extra
        """

    func testAValidManifest() throws {
        let m = try PluginManifest.load(folder: try plugin("sr", model, files: ["net.param", "net.bin"]))
        XCTAssertEqual(m.id, "my-sr")
        XCTAssertEqual(m.kind, .model)
        XCTAssertEqual(m.stage, .upscale)
        XCTAssertEqual(m.format, .ncnn)
        XCTAssertEqual(m.family, .realesrgan)
        XCTAssertEqual(m.scale, 2)
        XCTAssertEqual(m.encoding, "srgb", "models default to sRGB")
        XCTAssertEqual(m.files["param"], dir + "/sr/net.param")
        XCTAssertEqual(m.files["weights"], dir + "/sr/net.bin", "ncnn weights default to the .param's .bin")
        XCTAssertEqual(m.parameters, [PluginManifest.Parameter(name: "strength", type: .float, range: 0...1, defaultValue: 0.5)])
        XCTAssertEqual(m.warnings.count, 1)
        XCTAssertTrue(m.warnings[0].contains("line 11: unknown key 'flavour'"), m.warnings[0])
        XCTAssertThrowsError(try m.check(parameter: "strength", value: 2)) { e in
            XCTAssertTrue((e as! PluginError).message.contains("strength must be within 0.0…1.0"))
        }
        XCTAssertThrowsError(try m.check(parameter: "radius", value: 2)) { e in
            XCTAssertTrue((e as! PluginError).message.contains("has no parameter 'radius' (it has: strength)"))
        }
    }

    func testValidationMessages() throws {
        let cases: [(String, String)] = [
            (model.replacingOccurrences(of: "id: my-sr", with: "name: x"), "line 1: missing required key 'id'"),
            (model.replacingOccurrences(of: "id: my-sr", with: "id: My SR"), "'id' must be lowercase letters"),
            (model.replacingOccurrences(of: "kind: model", with: "kind: shader"), "line 2: 'kind' must be one of model, lut, native (got 'shader')"),
            (model.replacingOccurrences(of: "stage: upscale", with: "stage: lut"), "line 3: a model plugin cannot serve stage 'lut'"),
            (model.replacingOccurrences(of: "format: ncnn\n", with: ""), "a model plugin needs 'format'"),
            (model.replacingOccurrences(of: "{param: net.param}", with: "{weights: net.bin}"), "'files' needs 'param' for a ncnn model plugin"),
            (model.replacingOccurrences(of: "net.param", with: "gone.param"), "file 'param' not found: \(dir)/p/gone.param"),
            (model.replacingOccurrences(of: "scale: 2", with: "scale: two"), "line 7: 'scale' must be an integer (got 'two')"),
            (model.replacingOccurrences(of: "default: 0.5", with: "default: 3"), "default 3.0 of 'strength' is outside 0.0…1.0"),
            ("id: [", "not valid YAML"),
        ]
        for (yaml, expected) in cases {
            try? FileManager.default.removeItem(atPath: dir + "/p")
            let folder = try plugin("p", yaml, files: ["net.param", "net.bin"])
            XCTAssertThrowsError(try PluginManifest.load(folder: folder), expected) { e in
                let err = e as! PluginError
                XCTAssertEqual(err.path, folder + "/plugin.yaml")
                XCTAssertTrue(err.description.contains(expected), "expected '\(expected)' in: \(err.description)")
            }
        }
    }

    func testRegistrySkipsBrokenPluginsWithAWarning() throws {
        try plugin("a-good", model, files: ["net.param", "net.bin"])
        try plugin("b-broken", "id: broken\nkind: model\n")
        try plugin("c-lut", "id: look\nkind: lut\nstage: lut\nfiles: {lut: look.cube}\n", files: ["look.cube"])
        try plugin("d-dup", model.replacingOccurrences(of: "scale: 2", with: "scale: 4"), files: ["net.param", "net.bin"])
        try FileManager.default.createDirectory(atPath: dir + "/not-a-plugin", withIntermediateDirectories: true)
        let r = PluginRegistry(paths: [dir, dir + "/missing"])
        XCTAssertEqual(r.plugins.map(\.id), ["my-sr", "look"])
        XCTAssertEqual(r.warnings.filter { $0.contains("b-broken/plugin.yaml: skipped") && $0.contains("missing required key 'stage'") }.count, 1, "\(r.warnings)")
        XCTAssertEqual(r.warnings.filter { $0.contains("d-dup/plugin.yaml: id 'my-sr' is already taken") }.count, 1, "\(r.warnings)")
        XCTAssertThrowsError(try r.plugin("nope")) { e in
            XCTAssertEqual((e as! PluginError).message, "unknown plugin 'nope' (plugins: my-sr, look)")
        }
        XCTAssertThrowsError(try r.plugin("look", for: .upscale)) { e in
            XCTAssertTrue((e as! PluginError).message.contains("serves stage 'lut', not 'upscale' (upscale plugins: my-sr)"))
        }
        XCTAssertEqual(try r.plugin("my-sr", for: .upscale).scale, 2)
    }

    // MARK: native plugins

    /// Compiles C `source` into `name`.so with the ABI header; skips without a C compiler.
    func compile(_ source: String, _ name: String) throws -> String {
        guard let cc = ["/usr/bin/cc", "/usr/bin/gcc", "/usr/bin/clang"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw XCTSkip("no C compiler to build a test plugin")
        }
        let c = dir + "/\(name).c", so = dir + "/\(name)/lib\(name).so"
        try FileManager.default.createDirectory(atPath: dir + "/" + name, withIntermediateDirectories: true)
        try source.write(toFile: c, atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: cc)
        p.arguments = ["-shared", "-fPIC", "-O1", "-I", Fixtures.repository + "/Sources/CRestorePluginABI/include", c, "-o", so, "-lm"]
        try p.run(); p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, "cc failed")
        return so
    }

    func nativeManifest(_ name: String, parameters: String = "") throws -> PluginManifest {
        try PluginManifest.parse("id: \(name)\nkind: native\nstage: filter\nfiles: {library: lib\(name).so}\n" + parameters, folder: dir + "/" + name)
    }

    func testTheShippedVignetteLoadsAndRuns() throws {
        let source = try String(contentsOfFile: Fixtures.repository + "/Plugins/vignette/src/vignette.c", encoding: .utf8)
        _ = try compile(source, "vignette")
        let shipped = try PluginManifest.load(folder: Fixtures.repository + "/Plugins/vignette")
        var m = try nativeManifest("vignette")
        m.parameters = shipped.parameters
        let plugin = try NativePlugin(m)
        XCTAssertEqual(plugin.name, "vignette")
        XCTAssertEqual(plugin.halo, 0)
        let values = try plugin.parameterValues(["strength": 0.5])
        XCTAssertEqual(values, [0.5, 0.75, 0.6])
        // A flat grey 40×30 image: the centre is untouched, the corners darkened, symmetrically.
        var planes = [Float](repeating: 0.5, count: 3 * 40 * 30)
        try planes.withUnsafeMutableBufferPointer { b in
            try plugin.process(b.baseAddress!, planeStride: 1200, width: 40, height: 30, channels: 3, x: 0, y: 0,
                               imageWidth: 40, imageHeight: 30, parameters: values)
        }
        XCTAssertEqual(planes[15 * 40 + 20], 0.5, accuracy: 1e-6)
        XCTAssertLessThan(planes[0], 0.3)
        XCTAssertEqual(planes[0], planes[29 * 40 + 39], accuracy: 1e-6)
        XCTAssertEqual(planes[0], planes[2 * 1200], accuracy: 1e-6, "every channel alike")
        // The same region processed as a tile at its image offset gives the same values.
        var tile = [Float](repeating: 0.5, count: 3 * 10 * 10)
        try tile.withUnsafeMutableBufferPointer { b in
            try plugin.process(b.baseAddress!, planeStride: 100, width: 10, height: 10, channels: 3, x: 30, y: 20,
                               imageWidth: 40, imageHeight: 30, parameters: values)
        }
        XCTAssertEqual(tile[99], planes[29 * 40 + 39], accuracy: 1e-6)
        XCTAssertThrowsError(try plugin.parameterValues(["strength": 5]))
    }

    func testABIMismatchAndFailuresAreClearErrors() throws {
        _ = try compile("""
            #include "restore_plugin.h"
            static int run(const restore_tile *t, char *m, size_t n) { (void)t; (void)m; (void)n; return 0; }
            static const restore_plugin p = { 99, "future", 0, run };
            const restore_plugin *restore_plugin_entry(void) { return &p; }
            """, "future")
        XCTAssertThrowsError(try NativePlugin(try nativeManifest("future"))) { e in
            let err = e as! PluginError
            XCTAssertEqual(err.reason, .native)
            XCTAssertTrue(err.message.contains("built for plugin ABI version 99; this restore speaks version \(NativePlugin.abiVersion)"), err.message)
        }
        _ = try compile("""
            #include <stdio.h>
            #include "restore_plugin.h"
            static int run(const restore_tile *t, char *m, size_t n) { snprintf(m, n, "tile %dx%d refused", t->width, t->height); return 7; }
            static const restore_plugin p = { RESTORE_PLUGIN_ABI_VERSION, "grumpy", 2, run };
            const restore_plugin *restore_plugin_entry(void) { return &p; }
            """, "grumpy")
        let grumpy = try NativePlugin(try nativeManifest("grumpy"))
        XCTAssertEqual(grumpy.halo, 2)
        var px = [Float](repeating: 0, count: 4)
        XCTAssertThrowsError(try px.withUnsafeMutableBufferPointer { b in
            try grumpy.process(b.baseAddress!, planeStride: 4, width: 2, height: 2, channels: 1, x: 0, y: 0, imageWidth: 2, imageHeight: 2, parameters: [])
        }) { e in
            XCTAssertEqual((e as! PluginError).message, "grumpy failed (status 7): tile 2x2 refused")
        }
        _ = try compile("int unrelated(void) { return 1; }\n", "plain")
        XCTAssertThrowsError(try NativePlugin(try nativeManifest("plain"))) { e in
            XCTAssertTrue((e as! PluginError).message.contains("no 'restore_plugin_entry' symbol"))
        }
        XCTAssertThrowsError(try NativePlugin(try nativeManifest("absent"))) { e in
            XCTAssertTrue((e as! PluginError).message.contains("library 'libabsent.so' not found"))
        }
    }
}
