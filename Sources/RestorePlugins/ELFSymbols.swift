import RestoreCore

/// The dynamic symbols a shared library defines, read from its ELF file without loading it
/// (no initialiser runs), so `restore plugins validate` can check a native plugin's entry
/// point before trusting its code. ELF64 little-endian only (x86-64, AArch64 Linux); every
/// offset and count from the file is bounds-checked against the file's size.
public struct ELFSymbols: Sendable, Equatable {
    /// "x86-64", "AArch64" or "machine N".
    public let machine: String
    /// Names of the defined dynamic symbols (functions and objects), sorted.
    public let defined: [String]

    /// The largest library read (256 MB).
    public static let maxBytes = 256 << 20

    public init(path: String) throws(PluginError) {
        switch FileBytes.read(path, limit: Self.maxBytes) {
        case .failure(let f): throw PluginError(path: path, reason: .native, "cannot read the library: \(f.reason)")
        case .success(let bytes): try self.init(bytes: bytes, path: path)
        }
    }

    public init(bytes b: [UInt8], path: String) throws(PluginError) {
        func fail(_ why: String) -> PluginError { PluginError(path: path, reason: .native, "not a shared library restore can use: \(why)") }
        func u(_ at: Int, _ n: Int) throws(PluginError) -> Int {
            guard at >= 0, n <= 8, at <= b.count - n else { throw fail("a field at byte \(at) lies outside the \(b.count)-byte file") }
            var v: UInt64 = 0
            for i in (0..<n).reversed() { v = v << 8 | UInt64(b[at + i]) }
            guard v <= UInt64(Int.max) else { throw fail("a value at byte \(at) is out of range") }
            return Int(v)
        }
        guard b.count >= 64, b[0] == 0x7F, b[1] == 0x45, b[2] == 0x4C, b[3] == 0x46 else { throw fail("no ELF signature") }
        guard b[4] == 2, b[5] == 1 else { throw fail("not 64-bit little-endian ELF") }
        guard try u(16, 2) == 3 else { throw fail("an ELF file that is not a shared object (type \(try u(16, 2)))") }
        let m = try u(18, 2)
        machine = m == 62 ? "x86-64" : m == 183 ? "AArch64" : "machine \(m)"
        let shoff = try u(0x28, 8), shentsize = try u(0x3A, 2), shnum = try u(0x3C, 2)
        guard shentsize >= 64, shnum <= 65535, shoff <= b.count, shnum <= (b.count - shoff) / shentsize else {
            throw fail("its section table lies outside the file")
        }
        var names: [String] = []
        for i in 0..<shnum {
            let sh = shoff + i * shentsize
            guard try u(sh + 4, 4) == 11 else { continue }  // SHT_DYNSYM
            let off = try u(sh + 0x18, 8), size = try u(sh + 0x20, 8), link = try u(sh + 0x28, 4), entsize = try u(sh + 0x38, 8)
            guard entsize >= 24, off <= b.count, size <= b.count - off, link < shnum else { throw fail("its symbol table lies outside the file") }
            let str = shoff + link * shentsize
            let stroff = try u(str + 0x18, 8), strsize = try u(str + 0x20, 8)
            guard stroff <= b.count, strsize <= b.count - stroff else { throw fail("its symbol names lie outside the file") }
            for k in 0..<(size / entsize) {
                let s = off + k * entsize
                let nameAt = try u(s, 4), info = try u(s + 4, 1), shndx = try u(s + 6, 2)
                guard shndx != 0, info & 0xF == 1 || info & 0xF == 2, nameAt < strsize else { continue }  // defined objects and functions
                var end = stroff + nameAt
                while end < stroff + strsize, b[end] != 0 { end += 1 }
                names.append(String(decoding: b[(stroff + nameAt)..<end], as: UTF8.self))
            }
        }
        defined = names.sorted()
    }
}
