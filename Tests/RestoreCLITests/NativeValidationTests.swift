import Foundation
import RestorePlugins
import RestoreTestSupport
import XCTest

/// `plugins validate` reads a native library without running it.
final class NativeValidationTests: XCTestCase {
    func testELFSymbolsOfTheSeedAndEveryPrefixOfIt() throws {
        let bytes = try Fixtures.bytes(Fixtures.repository + "/Fuzz/corpus/elf/tiny.so")
        let elf = try ELFSymbols(bytes: bytes, path: "tiny.so")
        XCTAssertTrue(elf.defined.contains("restore_plugin_entry"), "\(elf.defined)")
        XCTAssertTrue(elf.defined.contains("other_symbol"))
        XCTAssertEqual(elf.machine, "x86-64")
        for n in stride(from: 0, to: bytes.count, by: 97) {  // truncated files: an error, never a trap
            _ = try? ELFSymbols(bytes: Array(bytes.prefix(n)), path: "cut.so")
        }
        XCTAssertThrowsError(try ELFSymbols(bytes: Array("#!/bin/sh\n".utf8) + [UInt8](repeating: 0, count: 64), path: "x.so")) {
            XCTAssertTrue("\($0)".contains("no ELF signature"), "\($0)")
        }
    }

    func testValidateReadsTheLibraryWithoutLoadingIt() throws {
        let dir = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func plugin(_ library: String) throws -> String {
            let folder = dir + "/p\(library.hashValue & 0xFFFF)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try "id: probe\nkind: native\nstage: filter\nfiles: {library: \(library)}\n".write(toFile: folder + "/plugin.yaml", atomically: true, encoding: .utf8)
            return folder
        }
        try Data("not a library".utf8).write(to: URL(fileURLWithPath: dir + "/text.so"))
        var r = try CLITests.run(["plugins", "validate", try plugin(dir + "/text.so")])
        XCTAssertNotEqual(r.code, 0)
        XCTAssertTrue(r.stderr.contains("text.so: not a shared library restore can use"), r.stderr)
        // A real shared object that is not a plugin: refused from its symbol table, unloaded.
        let libz = ["/lib/x86_64-linux-gnu/libz.so.1", "/usr/lib/x86_64-linux-gnu/libz.so.1"].first { FileManager.default.fileExists(atPath: $0) }
        if let libz {
            r = try CLITests.run(["plugins", "validate", try plugin(libz)])
            XCTAssertNotEqual(r.code, 0)
            XCTAssertTrue(r.stderr.contains("no 'restore_plugin_entry' symbol"), r.stderr)
        }
        r = try CLITests.run(["plugins", "validate", try plugin(Fixtures.repository + "/Fuzz/corpus/elf/tiny.so")])
        XCTAssertEqual(r.code, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("not loaded"), r.stdout)
    }
}
