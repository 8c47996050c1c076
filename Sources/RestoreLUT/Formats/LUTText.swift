import RestoreCore
#if canImport(Glibc)
import Glibc
#endif

/// A LUT text file split into numbered, tokenised lines: comments (`#` to the end of the
/// line) and blank lines removed, CR/LF and tabs tolerated. Parsers report errors with the
/// original 1-based line number and text.
struct LUTText {
    struct Line {
        var number: Int
        var text: String
        var tokens: [Substring]
    }
    let path: String?
    var lines: [Line]

    init(path: String?, contents: String, commentMarker: Character? = "#") {
        self.path = path
        var out: [Line] = []
        var n = 0
        for raw in contents.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            n += 1
            var t = Substring(raw)
            if t.last == "\r" { t = t.dropLast() }
            if let m = commentMarker, let i = t.firstIndex(of: m) { t = t[..<i] }
            let tokens = t.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            if tokens.isEmpty { continue }
            out.append(Line(number: n, text: String(t).trimmingSpaces, tokens: tokens))
        }
        lines = out
    }

    static func read(path: String) throws(LUTError) -> String {
        guard let fp = fopen(path, "rb") else {
            throw LUTError(path: path, reason: .unreadable, expected: String(cString: strerror(errno)))
        }
        defer { fclose(fp) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let k = fread(&chunk, 1, chunk.count, fp)
            if k <= 0 { break }
            bytes.append(contentsOf: chunk[0..<k])
            if bytes.count > 512 << 20 { throw LUTError(path: path, reason: .invalid, expected: "a LUT file under 512 MB") }
        }
        if ferror(fp) != 0 { throw LUTError(path: path, reason: .unreadable, expected: "read error") }
        if bytes.isEmpty { throw LUTError(path: path, reason: .invalid, expected: "a LUT, but the file is empty") }
        return String(decoding: bytes, as: UTF8.self)
    }

    func error(_ line: Line, _ expected: String) -> LUTError {
        LUTError(path: path, reason: .syntax, line: line.number, found: line.text, expected: expected)
    }
    func invalid(_ line: Line?, _ what: String) -> LUTError {
        LUTError(path: path, reason: .invalid, line: line?.number, found: line?.text, expected: what)
    }

    /// Parses token `i` of `line` as a float, or throws naming what was expected.
    func float(_ line: Line, _ i: Int, _ what: String = "a number") throws(LUTError) -> Float {
        guard i < line.tokens.count, let v = Float(line.tokens[i]), v.isFinite else { throw error(line, what) }
        return v
    }
    func int(_ line: Line, _ i: Int, _ what: String = "an integer") throws(LUTError) -> Int {
        guard i < line.tokens.count, let v = Int(line.tokens[i]) else { throw error(line, what) }
        return v
    }
    /// Exactly `count` numbers on the line, after `skip` leading tokens (a keyword).
    func floats(_ line: Line, skip: Int = 0, count: Int, _ what: String) throws(LUTError) -> [Float] {
        guard line.tokens.count == skip + count else { throw error(line, what) }
        var out: [Float] = []
        out.reserveCapacity(count)
        for i in skip..<(skip + count) { out.append(try float(line, i, what)) }
        return out
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}

/// Writes numbers so that they read back as the same Float (shortest round-trip form).
@inline(__always) func fmt(_ v: Float) -> String {
    if v == 0 { return "0" }
    if v == v.rounded() && abs(v) < 1e7 { return String(Int(v)) }
    return String(v)
}
