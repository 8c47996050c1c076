import Foundation
import RestorePlugins
import RestoreTestSupport
import XCTest

/// Config discovery order, config validation, presets.
final class ConfigTests: XCTestCase {
    var dir = ""
    override func setUp() { dir = Fixtures.temporaryDirectory() }
    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    func write(_ text: String, _ name: String) throws -> String {
        let path = dir + "/" + name
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func testDiscoveryOrder() throws {
        let explicit = try write("default_preset: clean\n", "explicit.yaml")
        let env = try write("default_preset: clean\n", "env.yaml")
        let local = try write("default_preset: clean\n", "work/restore.yaml")
        let xdg = try write("default_preset: clean\n", "xdg/restore/config.yaml")
        let work = dir + "/work"
        XCTAssertEqual(Config.locate(explicit: explicit, environment: ["RESTORE_CONFIG": env, "XDG_CONFIG_HOME": dir + "/xdg"], workingDirectory: work), explicit)
        XCTAssertEqual(Config.locate(explicit: nil, environment: ["RESTORE_CONFIG": env, "XDG_CONFIG_HOME": dir + "/xdg"], workingDirectory: work), env)
        XCTAssertEqual(Config.locate(explicit: nil, environment: ["XDG_CONFIG_HOME": dir + "/xdg"], workingDirectory: work), local)
        XCTAssertEqual(Config.locate(explicit: nil, environment: ["XDG_CONFIG_HOME": dir + "/xdg"], workingDirectory: dir), xdg)
        XCTAssertEqual(Config.locate(explicit: nil, environment: ["HOME": dir + "/nohome"], workingDirectory: dir), nil)
        XCTAssertEqual(Config.locate(explicit: nil, environment: ["HOME": dir + "/xdg/.."], workingDirectory: dir), nil,
                       "HOME/.config is the XDG default; there is none here")
        let builtIn = try Config.discover(explicit: nil, environment: [:], workingDirectory: dir, bundled: ["/bundled"])
        XCTAssertNil(builtIn.path)
        XCTAssertEqual(builtIn.defaultPreset, "default")
        XCTAssertEqual(builtIn.pluginPaths, ["/bundled"])
        // An explicit file that does not exist is an error, not a silent fallback.
        XCTAssertThrowsError(try Config.discover(explicit: dir + "/missing.yaml", environment: [:], bundled: [])) { e in
            XCTAssertEqual((e as? PluginError)?.reason, .unreadable)
        }
    }

    func testConfigShapeAndPresets() throws {
        let path = try write("""
            plugin_paths: [plugins, /abs/plugins]
            presets:
              film:
                - denoise: {sigma: 12}
                - upscale: {plugin: my-sr, scale: 2}
                - lut: {file: looks/print.cube, space: rec709, strength: 0.5}
                - filter
            default_preset: film
            colour: wrong
            """, "studio/restore.yaml")
        let c = try Config.load(path: path, bundled: ["/bundled"])
        XCTAssertEqual(c.pluginPaths, [dir + "/studio/plugins", "/abs/plugins", "/bundled"], "own paths first, relative to the config; bundled last")
        XCTAssertEqual(c.defaultPreset, "film")
        let film = try c.preset(nil)
        XCTAssertEqual(film.steps.map(\.stage), [.denoise, .upscale, .lut, .filter])
        XCTAssertEqual(film.steps[0].settings["sigma"], "12")
        XCTAssertEqual(film.steps[1].plugin, "my-sr")
        XCTAssertEqual(film.steps[2].settings["file"], dir + "/studio/looks/print.cube")
        XCTAssertEqual(film.steps[2].line, 6)
        XCTAssertNotNil(try? c.preset("default"), "built-in presets stay available")
        XCTAssertEqual(c.warnings.count, 1)
        XCTAssertTrue(c.warnings[0].contains("line 9: unknown key 'colour'"), c.warnings[0])
        XCTAssertThrowsError(try c.preset("nope")) { e in
            let m = (e as! PluginError).message
            XCTAssertTrue(m.contains("unknown preset 'nope'") && m.contains("film") && m.contains("default"), m)
        }
    }

    func testConfigErrorsNameFileLineAndExpectation() throws {
        let cases: [(String, String, Int?)] = [
            ("presets: [unclosed", "not valid YAML", nil),
            ("presets:\n  p:\n    - sharpen: {}\n", "unknown stage 'sharpen' (stages: denoise, upscale, grade, lut, filter)", 3),
            ("default_preset: missing\n", "default_preset 'missing' is not a preset", 1),
            ("plugin_paths: 3\n", "'plugin_paths' must be a list", 1),
            ("presets:\n  p: {denoise: auto}\n", "'p' must be a list", 2),
        ]
        for (text, expected, line) in cases {
            let path = try write(text, "bad.yaml")
            XCTAssertThrowsError(try Config.load(path: path, bundled: []), text) { e in
                let err = e as! PluginError
                XCTAssertEqual(err.path, path)
                XCTAssertTrue(err.description.contains(expected), "\(text): \(err.description)")
                if let line { XCTAssertEqual(err.line, line, text) }
            }
        }
    }
}
