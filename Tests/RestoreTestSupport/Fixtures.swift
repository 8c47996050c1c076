import Foundation
import XCTest
import RestoreCore

/// Locates test fixtures and compares images with stated tolerances.
public enum Fixtures {
    /// `Tests/Fixtures` in the source tree.
    public static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        url.deleteLastPathComponent()  // RestoreTestSupport
        url.deleteLastPathComponent()  // Tests
        return url.appendingPathComponent("Fixtures").path
    }()

    /// The repository root.
    public static let repository: String = {
        URL(fileURLWithPath: root).deletingLastPathComponent().deletingLastPathComponent().path
    }()

    public static var corpus: String { root + "/corpus" }

    public static func path(_ name: String) -> String { corpus + "/" + name }

    public static func bytes(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// A raw little-endian float32 file (the goldens' `.f32`).
    public static func floats(_ path: String) throws -> [Float] {
        let b = try bytes(path)
        return (0..<(b.count / 4)).map { i in
            Float(bitPattern: UInt32(b[4 * i]) | UInt32(b[4 * i + 1]) << 8 | UInt32(b[4 * i + 2]) << 16 | UInt32(b[4 * i + 3]) << 24)
        }
    }

    /// Copies a .safetensors file to `path` with metadata entries set (nil: removed).
    public static func safetensors(_ source: String, to path: String, metadata changes: [String: String?]) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: source))
        let length = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        var header = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + length))) as! [String: Any]
        var metadata = header["__metadata__"] as? [String: String] ?? [:]
        for (k, v) in changes { metadata[k] = v }
        header["__metadata__"] = metadata
        let h = try JSONSerialization.data(withJSONObject: header)
        try (Data((0..<8).map { UInt8((h.count >> (8 * $0)) & 0xFF) }) + h + data.subdata(in: (8 + length)..<data.count))
            .write(to: URL(fileURLWithPath: path))
    }

    /// A fresh temporary folder, removed by the caller's `defer`.
    public static func temporaryDirectory() -> String {
        let dir = NSTemporaryDirectory() + "restore-tests-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// One row of corpus/manifest.tsv.
    public struct Entry: Sendable {
        public var name: String
        public var width: Int, height: Int
        public var colorChannels: Int
        public var alpha: String
        public var refType: String
        public var tolerance: Int
        public var hasICC: Bool
        public var hasAlpha: Bool { alpha != "none" }
        public var channels: Int { colorChannels + (hasAlpha ? 1 : 0) }

        /// The reference samples as the decoder must produce them (planar, in [0, 1] for
        /// integer references; associated alpha already divided out).
        public func expected() throws -> [Float] {
            let raw = try Data(contentsOf: URL(fileURLWithPath: Fixtures.corpus + "/ref/" + name + ".raw"))
            var v: [Float]
            switch refType {
            case "u8": v = raw.map { Float($0) / 255 }
            case "u16":
                v = raw.withUnsafeBytes { b in (0..<(raw.count / 2)).map { Float(UInt16(littleEndian: b.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self))) / 65535 } }
            default:
                v = raw.withUnsafeBytes { b in (0..<(raw.count / 4)).map { Float(bitPattern: UInt32(littleEndian: b.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) } }
            }
            if alpha == "assoc" {
                let n = width * height
                for c in 0..<colorChannels {
                    for i in 0..<n {
                        let a = v[colorChannels * n + i]
                        v[c * n + i] = a > 0 ? v[c * n + i] / a : 0
                    }
                }
            }
            return v
        }

        /// Tolerance in sample units (levels of the reference's scale).
        public var sampleTolerance: Float {
            if alpha == "assoc" { return 0.002 }  // division by alpha magnifies the rounding of stored values
            switch refType {
            case "u8": return Float(tolerance) / 255 + 1e-6
            case "u16": return Float(tolerance) / 65535 + 1e-7
            default: return 0
            }
        }
    }

    public static func manifest() throws -> [Entry] {
        let text = try String(contentsOfFile: corpus + "/manifest.tsv", encoding: .utf8)
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
            let f = line.split(separator: "\t").map(String.init)
            return Entry(name: f[0], width: Int(f[1])!, height: Int(f[2])!, colorChannels: Int(f[3])!, alpha: f[4],
                         refType: f[5], tolerance: Int(f[6])!, hasICC: f[7] != "-")
        }
    }
}

/// The largest absolute difference between two sample arrays (∞ when sizes differ).
public func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
    guard a.count == b.count else { return .infinity }
    var m: Float = 0
    for i in a.indices {
        let d = abs(a[i] - b[i])
        if d.isNaN { return .infinity }
        m = max(m, d)
    }
    return m
}

/// Asserts two sample arrays are identical, reporting the count and largest difference
/// instead of dumping the arrays.
public func XCTAssertSamplesEqual(_ a: [Float], _ b: [Float], _ label: String,
                                  file: StaticString = #filePath, line: UInt = #line) {
    if a == b { return }
    let differing = a.count == b.count ? zip(a, b).filter { $0 != $1 }.count : -1
    XCTFail("\(label): samples differ (\(a.count) vs \(b.count) samples, \(differing) differ, max |Δ| \(maxAbsDifference(a, b)))",
            file: file, line: line)
}
