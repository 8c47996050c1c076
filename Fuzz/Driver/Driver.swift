// The fuzzing driver. Built with libFuzzer (Fuzz/run.sh: -sanitize=fuzzer,address -DFUZZING),
// it fuzzes the harness named by $RESTORE_FUZZ_TARGET. Built plainly, it replays files:
//   restore-fuzz TARGET FILE…      (prints accepted/rejected per file)
import RestoreFuzzing
#if canImport(Glibc)
import Glibc
#endif

#if FUZZING
nonisolated(unsafe) let target: FuzzTarget = {
    let name = getenv("RESTORE_FUZZ_TARGET").map { String(cString: $0) } ?? ""
    guard let t = FuzzTargets.named(name) else {
        var text = "RESTORE_FUZZ_TARGET must be one of: \(FuzzTargets.all.map(\.name).joined(separator: " "))\n"
        text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
        exit(2)
    }
    return t
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    _ = target.run(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}

typealias FuzzCallback = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
@_silgen_name("LLVMFuzzerRunDriver")
func runDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
               _ callback: FuzzCallback) -> CInt

/// SwiftPM links an executable's entry point under this name; it hands over to libFuzzer.
@_cdecl("restore_fuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var c = argc, v = argv
    return runDriver(&c, &v) { data, size in fuzzOne(data, size) }
}
#else
@main
enum Replay {
    static func main() {
        let args = CommandLine.arguments
        guard args.count >= 2, let target = FuzzTargets.named(args[1]) else {
            print("usage: restore-fuzz TARGET FILE…  (targets: \(FuzzTargets.all.map(\.name).joined(separator: " ")))")
            exit(2)
        }
        for file in args.dropFirst(2) {
            guard let fp = fopen(file, "rb") else { print("\(file): unreadable"); continue }
            var bytes: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while case let n = fread(&chunk, 1, chunk.count, fp), n > 0 { bytes += chunk[0..<n] }
            fclose(fp)
            print("\(file): \(target.run(bytes) ? "accepted" : "rejected")")
        }
    }
}
#endif
