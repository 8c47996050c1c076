// restore-bench: in-process kernel timings against the peers' in-memory kernels.
// Usage: swift run -c release restore-bench [color] [--runs N]
import CLCMS2
import Foundation
import CRestoreShims
import Restore
import RestoreColor
import RestoreCore
import RestoreIO
import RestoreLUT
import RestoreNN
#if canImport(Glibc)
import Glibc
#endif

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func median(_ v: [Double]) -> Double { let s = v.sorted(); return s[s.count / 2] }

/// Median seconds of `runs` calls of `body`; `setup` runs untimed before each call.
func time(_ runs: Int, setup: () -> Void = {}, _ body: () -> Void) -> Double {
    setup(); body()  // warm-up
    return median((0..<runs).map { _ in setup(); let t = now(); body(); return now() - t })
}

MemoryPolicy.retainFreedBuffers()
let args = CommandLine.arguments.dropFirst()
let runs = args.firstIndex(of: "--runs").flatMap { Int(args[args.index(after: $0)]) } ?? 7
let w = 3840, h = 2160, n = w * h
let mpx = Double(n) / 1e6

func colorBenchmark() throws {
    // A 4K frame tiled from the Adobe RGB sample photo (real colours: mostly inside sRGB).
    let photo = try ImageFiles.read(path: DataPaths.root().map { $0 + "/Samples/fruits-adobergb-16.tif" } ?? "Samples/fruits-adobergb-16.tif")
    var frame = [Float](repeating: 0, count: 3 * n)
    for c in 0..<3 { for y in 0..<h { for x in 0..<w {
        frame[c * n + y * w + x] = photo[x % photo.width, y % photo.height, c]
    } } }
    let image = Image(width: w, height: h, colorChannels: 3, hasAlpha: false, samples: frame)
    let t = try ColorTransform(from: .named(.adobeRGB), to: .named(.srgb), intent: .perceptual)
    print("Adobe RGB -> sRGB, \(w)x\(h) float planar, median of \(runs)")
    var work = image
    for threads in [1, 2] {
        // In place, as `restore convert` does; each run starts from a fresh (untimed) copy.
        let s = time(runs, setup: { work.samples = image.samples; work.samples[0] += 0 }) { try! t.apply(&work, threads: threads) }
        print(String(format: "  restore (matrix/TRC path), %d thread(s): %7.1f Mpx/s", threads, mpx / s))
    }
    // lcms2's own float pipeline on the same planar data, one thread.
    var out = [Float](repeating: 0, count: 3 * n)
    let s = time(max(1, runs / 3)) {
        frame.withUnsafeBufferPointer { i in out.withUnsafeMutableBufferPointer { o in
            t.exactTransform(i.baseAddress!, inputPlaneStride: n, o.baseAddress!, outputPlaneStride: n, count: n)
        } }
    }
    print(String(format: "  lcms2 float pipeline, 1 thread:              %7.1f Mpx/s", mpx / s))
    // lcms2's precalculated 16-bit path (what tificc uses by default), interleaved RGB16.
    let src16 = (0..<(3 * n)).map { UInt16(truncatingIfNeeded: ($0 &* 2654435761) >> 7) }
    var dst16 = [UInt16](repeating: 0, count: 3 * n)
    let a = ColorProfile.named(.adobeRGB), b = ColorProfile.named(.srgb)
    for threads in [1, 2] {
        let x = cmsCreateTransform(profileHandle(a), rs_TYPE_RGB_16, profileHandle(b), rs_TYPE_RGB_16,
                                   UInt32(INTENT_PERCEPTUAL), UInt32(cmsFLAGS_NOCACHE))!
        defer { cmsDeleteTransform(x) }
        let s16 = time(runs) {
            src16.withUnsafeBufferPointer { i in dst16.withUnsafeMutableBufferPointer { o in
                let ip = SendableConstPointer(i.baseAddress!), op = SendablePointer(o.baseAddress!)
                let xs = SendableTransform(x)
                parallelChunks(n, grain: n / threads + 1, threads: threads) { r in
                    cmsDoTransform(xs.h, ip.base + 3 * r.lowerBound, op.base + 3 * r.lowerBound, UInt32(r.count))
                }
            } }
        }
        print(String(format: "  lcms2 16-bit precalculated, %d thread(s):     %7.1f Mpx/s (peer anchor)", threads, mpx / s16))
    }
}

struct SendableTransform: @unchecked Sendable { let h: cmsHTRANSFORM; init(_ h: cmsHTRANSFORM) { self.h = h } }

/// The lcms2 handle behind a profile, reopened from its bytes (the bench keeps it for the run).
func profileHandle(_ p: ColorProfile) -> cmsHPROFILE {
    p.iccData.withUnsafeBytes { cmsOpenProfileFromMem($0.baseAddress, UInt32($0.count)) }!
}

/// 33³ tetrahedral on a 4K float frame: planar (our layout) and interleaved RGB (ffmpeg's
/// rgbf32le / OCIO's packed layout), 1 and 2 threads.
func lutBenchmark() throws {
    let root = DataPaths.root() ?? "."
    let lut = try LUTLibrary.load(path: root + "/Benchmarks/data/bench33.cube")
    let p = LUTProcessor(lut)
    // A photo upscaled to 4K (coherent colours, like real frames) and, as a worst case for
    // the caches, uniformly random colours.
    let photo = try ImageFiles.read(path: root + "/Samples/fruits.jpg")
    var frame = [Float](repeating: 0, count: 3 * n)
    for c in 0..<3 { for y in 0..<h { for x in 0..<w {
        frame[c * n + y * w + x] = photo[x * photo.width / w, y * photo.height / h, c]
    } } }
    if args.contains("--random") {
        var seed: UInt64 = 9
        frame = (0..<(3 * n)).map { _ -> Float in
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Float(seed >> 40) / Float(1 << 24)
        }
    }
    print("3D LUT 33^3 tetrahedral, \(w)x\(h) float \(args.contains("--random") ? "random colours" : "photo"), median of \(runs)")
    var work = Image(width: w, height: h, colorChannels: 3, hasAlpha: false, samples: frame)
    for threads in [1, 2] {
        let s = time(runs, setup: { work.samples = frame; work.samples[0] += 0 }) { p.apply(to: &work, threads: threads) }
        print(String(format: "  restore planar,      %d thread(s): %7.1f Mpx/s", threads, mpx / s))
    }
    // The same colours interleaved (r g b r g b …).
    var interleaved = [Float](repeating: 0, count: 3 * n)
    for i in 0..<n { for c in 0..<3 { interleaved[3 * i + c] = frame[c * n + i] } }
    var packed = interleaved
    for threads in [1, 2] {
        let s = time(runs, setup: { packed = interleaved; packed[0] += 0 }) {
            packed.withUnsafeMutableBufferPointer { b in
                let q = SendablePointer(b.baseAddress!)
                parallelChunks(n, grain: 1 << 14, threads: threads) { r in
                    let at = q.base + 3 * r.lowerBound
                    p.apply(at, at + 1, at + 2, stride: 3, count: r.count)
                }
            }
        }
        print(String(format: "  restore interleaved, %d thread(s): %7.1f Mpx/s", threads, mpx / s))
    }
}

/// An ncnn or ONNX model on a square input, one forward pass (median of --runs), after one
/// warm-up. Usage: restore-bench nn MODEL.param|MODEL.onnx [SIZE] [--channels C] [--threads N]
func nnBenchmark() throws {
    let positional = args.filter { !$0.hasPrefix("-") && $0 != "nn" }
    guard let param = positional.first else { print("usage: restore-bench nn MODEL.param [SIZE]"); exit(2) }
    let size = positional.dropFirst().first.flatMap { Int($0) } ?? 256
    let threads = args.firstIndex(of: "--threads").flatMap { Int(args[args.index(after: $0)]) } ?? 1
    let channels = args.firstIndex(of: "--channels").flatMap { Int(args[args.index(after: $0)]) } ?? 3
    for backend in [BackendChoice.onednn] {
        let model = param.hasSuffix(".onnx") ? try LayerGraph(onnx: param, backend: backend, threads: threads)
                                             : try NCNNModel(param: param, backend: backend, threads: threads)
        var seed: UInt64 = 1
        let x = Tensor(c: channels, h: size, w: size, data: (0..<(channels * size * size)).map { _ in
            seed = seed &* 6364136223846793005 &+ 1442695040888963407; return Float(seed >> 40) / Float(1 << 24) })
        _ = try model.run(x)  // warm-up: primitives compiled, weights reordered
        let s = time(runs) { _ = try! model.run(x) }
        print(String(format: "  %@ %dx%d, %d thread(s), %@: %.3f s per forward", (param as NSString).lastPathComponent, size, size, threads, backend.rawValue, s))
    }
}

/// The grading predictors alone (thumbnail of a 4K frame, then one prediction each), median of
/// --runs; the shipped auto ensemble's members by default, and their sum.
/// Usage: restore-bench grade [WEIGHTS.safetensors ...]
func gradeBenchmark() throws {
    let given = args.filter { $0.hasSuffix(".safetensors") }
    let paths = given.isEmpty ? ["auto", "auto-2", "auto-3"].map { "Plugins/restore-grade/\($0).safetensors" } : given
    let (w, h) = (3840, 2160)
    var seed: UInt64 = 1
    let frame = (0..<(3 * w * h)).map { _ in seed = seed &* 6364136223846793005 &+ 1442695040888963407; return Float(seed >> 40) / Float(1 << 24) }
    var total = 0.0
    for path in paths {
        let predictor = try GradePredictor(path: path)
        var thumb: [Float] = []
        let t1 = time(runs) { thumb = frame.withUnsafeBufferPointer { GradePredictor.thumbnail($0, width: w, height: h, channels: 3, side: predictor.thumbnailSide) } }
        // A predictor trained after a levels stretch takes the stretched thumbnail (then, with 6
        // channels, the raw one).
        let stretched = thumb.withUnsafeBufferPointer { GradeLevels(measuring: $0, pixels: thumb.count / 3) }.apply(planar: thumb)
        let input = !predictor.levels ? thumb : predictor.inChannels == 6 ? stretched + thumb : stretched
        let t2 = time(runs) { _ = try! predictor.predict(input) }
        total += t2
        print(String(format: "  %@: %dx%d thumbnail of a %dx%d frame %.1f ms; prediction %.2f ms", (path as NSString).lastPathComponent,
                     predictor.thumbnailSide, predictor.thumbnailSide, w, h, t1 * 1000, t2 * 1000))
    }
    if paths.count > 1 { print(String(format: "  predictions together: %.2f ms", total * 1000)) }
}

let which = args.first { !$0.hasPrefix("-") && Int($0) == nil } ?? "color"
switch which {
case "color": try colorBenchmark()
case "lut": try lutBenchmark()
case "nn": try nnBenchmark()
case "grade": try gradeBenchmark()
default:
    print("unknown benchmark '\(which)'; available: color, lut, nn, grade")
    exit(2)
}
