import Foundation
import Restore
import RestoreCore
import RestoreIO
import RestoreLUT
import RestoreNN
import RestorePlugins
#if canImport(Glibc)
import Glibc
#endif

/// One parser under fuzzing: it takes arbitrary bytes and must either accept them or throw
/// one of restore's errors — never trap, read out of bounds or allocate without bound.
public struct FuzzTarget: Sendable {
    public let name: String
    /// Whether the input was accepted; errors thrown are the expected outcome for garbage.
    public let run: @Sendable ([UInt8]) -> Bool
}

/// Every harness, by name (`Fuzz/corpus/<name>/` holds its seeds, `Fuzz/crashers/<name>/`
/// the inputs that once crashed it).
public enum FuzzTargets {
    public static let all: [FuzzTarget] = [
        image("png"), image("tiff", ext: "tif"), image("jpeg", ext: "jpg"), image("exr"), image("dpx"),
        lut("cube", .cube), lut("3dl", .threeDL), lut("spi1d", .spi1d), lut("spi3d", .spi3d), lut("csp", .csp),
        lut("clf", .clf), lut("cdl", .cdl),
        FuzzTarget(name: "hald") { bytes in
            accepts { () throws -> Void in _ = try HaldCLUT.lut(from: try ImageFiles.read(path: scratch(bytes, "png"), threads: 1)) }
        },
        FuzzTarget(name: "ncnn") { bytes in
            // The param text, then a line "---", then the .bin bytes.
            let split = bytes.firstRange(of: Array("\n---\n".utf8))
            let param = split.map { Array(bytes[..<$0.lowerBound]) } ?? bytes
            let bin = split.map { Array(bytes[$0.upperBound...]) } ?? []
            let p = scratch(param, "param")
            _ = scratch(bin, "bin")
            return accepts { () throws -> Void in _ = try NCNNModel(param: p, backend: .reference, threads: 1).geometry() }
        },
        FuzzTarget(name: "onnx") { bytes in
            accepts { () throws -> Void in _ = try LayerGraph(onnx: scratch(bytes, "onnx"), backend: .reference, threads: 1).geometry() }
        },
        FuzzTarget(name: "safetensors") { bytes in
            let path = scratch(bytes, "safetensors")
            let graphs = Architecture.allCases.map { arch in
                accepts { () throws -> Void in _ = try LayerGraph(safetensors: path, architecture: arch, backend: .reference, threads: 1).geometry() }
            }
            // The grading predictor reads the same file its own way (bases, metadata) and runs on a thumbnail.
            let grade = accepts { () throws -> Void in
                let p = try GradePredictor(path: path)
                if p.thumbnailSide <= 128 { _ = try p.predict([Float](repeating: 0.5, count: p.inChannels * p.thumbnailSide * p.thumbnailSide)) }
            }
            return graphs.contains(true) || grade
        },
        FuzzTarget(name: "config") { bytes in
            accepts { () throws -> Void in _ = try Config.parse(String(decoding: bytes, as: UTF8.self), path: "/fuzz/restore.yaml", bundled: []) }
        },
        FuzzTarget(name: "manifest") { bytes in
            accepts { () throws -> Void in _ = try PluginManifest.parse(String(decoding: bytes, as: UTF8.self), folder: "/fuzz/plugin") }
        },
        FuzzTarget(name: "frames") { bytes in
            // Lines: a --frames set, a frame pattern, a --shard value, NAME=VALUE;… for the environment.
            let lines = String(decoding: bytes.prefix(4096), as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            func line(_ i: Int) -> String { i < lines.count ? lines[i] : "" }
            let set = accepts { () throws -> Void in _ = try FrameSet(parsing: line(0)) }
            let pattern = accepts { () throws -> Void in
                if let p = try FramePattern(line(1)) { for f in (p.frames?.frames ?? [0, 7, 999_999_999]).prefix(8) { _ = p.path(f) } }
            }
            var env: [String: String] = [:]
            for kv in line(3).split(separator: ";") { let p = kv.split(separator: "=", maxSplits: 1); if p.count == 2 { env[String(p[0])] = String(p[1]) } }
            let shard = accepts { () throws -> Void in
                let s = try Shard(parsing: line(2), count: Int(line(4)), environment: env)
                _ = s.range(of: Swift.min(line(0).utf8.count * 1000, FrameSet.maxCount))
            }
            return set || pattern || shard
        },
        FuzzTarget(name: "elf") { bytes in
            accepts { () throws -> Void in _ = try ELFSymbols(bytes: bytes, path: "fuzz.so") }
        },
        FuzzTarget(name: "raw") { bytes in
            accepts { () throws -> Void in _ = try RawFormat(String(decoding: bytes.prefix(256), as: UTF8.self)) }
        },
    ]

    public static func named(_ name: String) -> FuzzTarget? { all.first { $0.name == name } }

    /// The header (`inspect`, as `restore info` reads it), then the pixels, within 16 Mpx (an
    /// OpenEXR header can ask for the default 268 Mpx from a few bytes, over the fuzzer's
    /// malloc limit; the bound itself is `--max-megapixels`).
    static func image(_ name: String, ext: String? = nil) -> FuzzTarget {
        FuzzTarget(name: name) { bytes in
            accepts { () throws -> Void in
                let path = scratch(bytes, ext ?? name), limits = DecodeLimits(maxPixels: 1 << 24)
                _ = try ImageFiles.inspect(path: path, limits: limits)
                _ = try ImageFiles.read(path: path, limits: limits, threads: 1)
            }
        }
    }

    static func lut(_ name: String, _ format: LUTFormat) -> FuzzTarget {
        FuzzTarget(name: name) { bytes in
            accepts { () throws -> Void in
                let lut = try LUTFiles.parse(String(decoding: bytes, as: UTF8.self), format: format, path: "fuzz.\(name)")
                _ = LUTProcessor(lut).evaluate(SIMD3(0.5, .nan, 2))
            }
        }
    }

    static func accepts(_ body: () throws -> Void) -> Bool {
        do { try body(); return true } catch { return false }
    }

    /// Writes `bytes` to this process's scratch file with extension `ext` (in /dev/shm when
    /// there is one) and returns its path.
    static func scratch(_ bytes: [UInt8], _ ext: String) -> String {
        let dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp"
        let path = "\(dir)/restore-fuzz-\(getpid()).\(ext)"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        if fd >= 0 {
            bytes.withUnsafeBytes { b in _ = write(fd, b.baseAddress, b.count) }
            close(fd)
        }
        return path
    }
}
