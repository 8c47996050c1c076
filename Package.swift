// swift-tools-version:6.0
// restore — image restoration and colour correction for post-production.
// Module map and dependency rules: README.md, "Layout" (dependencies point down only).
import PackageDescription

// Kernel modules are compiled for Haswell-level x86-64 (x86-64-v3: AVX2, FMA, BMI2 — every
// x86-64 CPU since about 2013-2015)
// on x86_64, which doubles the SIMD width of the LUT and colour kernels. Build with
// RESTORE_PORTABLE=1 for older CPUs (baseline x86-64).
#if arch(x86_64)
let kernelFlags: [SwiftSetting] = Context.environment["RESTORE_PORTABLE"] == nil
    ? [.unsafeFlags(["-target-cpu", "haswell"])] : []
#else
let kernelFlags: [SwiftSetting] = []
#endif

let package = Package(
    name: "restore",
    platforms: [.macOS(.v13)],
    products: [
        // The facade (pipeline, plans, stages) and, for callers that need only one layer, the
        // layers themselves: RestoreLUT links no C library, RestoreColor only lcms2, RestoreIO
        // only the image codecs (none of them oneDNN or protobuf).
        .library(name: "Restore", targets: ["Restore"]),
        .library(name: "RestoreIO", targets: ["RestoreIO"]),
        .library(name: "RestoreColor", targets: ["RestoreColor"]),
        .library(name: "RestoreLUT", targets: ["RestoreLUT"]),
        // The example native plugin (Plugins/vignette), built as librestore-vignette.so.
        .library(name: "restore-vignette", type: .dynamic, targets: ["RestoreVignette"]),
        .executable(name: "restore", targets: ["restore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        // ONNX: the message code is generated once (Tools/onnx/generate.sh) and committed.
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.28.0"),
    ],
    targets: [
        // System libraries (Debian: libpng-dev libtiff-dev liblcms2-dev libjpeg62-turbo-dev).
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CTIFF", pkgConfig: "libtiff-4", providers: [.apt(["libtiff-dev"])]),
        .systemLibrary(name: "CLCMS2", pkgConfig: "lcms2", providers: [.apt(["liblcms2-dev"])]),
        .systemLibrary(name: "CJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg62-turbo-dev"])]),
        .systemLibrary(name: "CDNNL", providers: [.apt(["libdnnl-dev"])]),
        // OpenEXRCore, OpenEXR 3's C API (Debian: libopenexr-dev; only the Core library is linked).
        .systemLibrary(name: "COpenEXR", providers: [.apt(["libopenexr-dev"])]),

        // The only C we write: setjmp-guarded libpng/libjpeg sequences, per-handle libtiff and
        // per-context lcms2 error capture, lcms2 constants that don't import into Swift, and
        // OpenEXRCore's chunk decoding and encoding.
        .target(
            name: "CRestoreShims",
            dependencies: ["CPNG", "CTIFF", "CLCMS2", "CJPEG", "COpenEXR"],
            cSettings: [.unsafeFlags(["-O2"])],
            linkerSettings: [.linkedLibrary("z"), .linkedLibrary("OpenEXRCore-3_1")]
        ),

        .target(name: "RestoreCore", swiftSettings: kernelFlags),
        .target(name: "RestoreIO", dependencies: ["RestoreCore", "CRestoreShims", "CTIFF"], swiftSettings: kernelFlags),
        .target(name: "RestoreColor", dependencies: ["RestoreCore", "CRestoreShims", "CLCMS2"], swiftSettings: kernelFlags),
        .target(name: "RestoreLUT", dependencies: ["RestoreCore"], swiftSettings: kernelFlags),
        // The reference backend is plain Swift; it is optimised in debug builds too so the
        // golden tests against ncnn stay fast.
        .target(name: "RestoreNN", dependencies: ["RestoreCore", "CDNNL", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
                swiftSettings: kernelFlags + [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        // The native plugin ABI (a C header, installed with restore) and the plugin registry.
        .target(name: "CRestorePluginABI"),
        .target(name: "RestorePlugins", dependencies: ["RestoreCore", "CRestorePluginABI", .product(name: "Yams", package: "Yams")]),
        .target(name: "RestoreVignette", dependencies: ["CRestorePluginABI"], path: "Plugins/vignette/src", publicHeadersPath: "include",
                cSettings: [.unsafeFlags(["-O2"])], linkerSettings: [.linkedLibrary("m")]),
        .target(name: "Restore", dependencies: ["RestoreCore", "RestoreIO", "RestoreColor", "RestoreLUT", "RestoreNN", "RestorePlugins"]),
        .executableTarget(
            name: "restore",
            dependencies: ["Restore", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),

        // In-process kernel timings (not run by CI): swift run -c release restore-bench
        .executableTarget(name: "restore-bench", dependencies: ["Restore", "RestoreCore", "RestoreIO", "RestoreColor", "RestoreLUT", "RestoreNN", "CLCMS2", "CRestoreShims"], path: "Benchmarks/Kernels"),

        // Fuzzing (Fuzz/README.md): the harnesses, a driver (libFuzzer or replay) and their
        // regression test.
        .target(name: "RestoreFuzzing", dependencies: ["Restore", "RestoreCore", "RestoreIO", "RestoreLUT", "RestoreNN", "RestorePlugins"],
                path: "Fuzz/Harness"),
        .executableTarget(name: "restore-fuzz", dependencies: ["RestoreFuzzing"], path: "Fuzz/Driver"),
        .testTarget(name: "RestoreFuzzTests", dependencies: ["RestoreFuzzing", "RestoreTestSupport"], path: "Fuzz/Tests"),

        .target(name: "RestoreTestSupport", dependencies: ["RestoreCore"], path: "Tests/RestoreTestSupport"),
        .testTarget(name: "RestoreCoreTests", dependencies: ["RestoreCore", "RestoreTestSupport"]),
        .testTarget(name: "RestoreIOTests", dependencies: ["RestoreIO", "RestoreTestSupport"]),
        .testTarget(name: "RestoreLUTTests", dependencies: ["RestoreLUT", "RestoreTestSupport"]),
        .testTarget(name: "RestoreNNTests", dependencies: ["RestoreNN", "RestoreTestSupport"]),
        .testTarget(name: "RestoreColorTests", dependencies: ["RestoreColor", "RestoreIO", "RestoreTestSupport"]),
        .testTarget(name: "RestorePluginsTests", dependencies: ["RestorePlugins", "RestoreTestSupport"]),
        .testTarget(name: "RestoreCLITests", dependencies: ["Restore", "restore", "RestoreCore", "RestoreIO", "RestoreColor", "RestoreLUT", "RestorePlugins", "RestoreTestSupport"]),
    ]
)
