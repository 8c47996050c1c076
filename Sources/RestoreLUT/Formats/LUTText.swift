import RestoreCore
#if canImport(Glibc)
import Glibc
#endif

/// A LUT text file split into numbered, tokenised lines: comments (`#` to the end of the
/// line) and blank lines removed, CR/LF and tabs tolerated. Works on bytes (tokens are byte
/// ranges, numbers parsed with `strtof`), so a 65³ cube parses in a fraction of a second;
/// parsers report errors with the original 1-based line number and text.
struct LUTText {
    struct Line {
        var number: Int
        /// Byte range of the line (comment removed).
        var start: Int, end: Int
        /// Byte ranges of the whitespace-separated tokens.
        var tokens: [Range<Int>]
        var count: Int { tokens.count }
    }
    let path: String?
    /// The file's bytes plus a terminating 0 (for strtof).
    private let bytes: [UInt8]
    var lines: [Line]

    init(path: String?, contents: String, commentMarker: UInt8? = UInt8(ascii: "#")) {
        self.path = path
        var b = Array(contents.utf8)
        b.append(0)
        bytes = b
        var out: [Line] = []
        var n = 0, i = 0
        if b.starts(with: [0xEF, 0xBB, 0xBF]) { i = 3 }  // a UTF-8 byte-order mark (Windows editors write one)
        let total = b.count - 1
        while i < total {
            n += 1
            var end = i
            while end < total && b[end] != 10 && b[end] != 13 { end += 1 }
            var stop = end
            if let m = commentMarker, let c = b[i..<end].firstIndex(of: m) { stop = c }
            var tokens: [Range<Int>] = []
            var k = i
            while k < stop {
                while k < stop && (b[k] == 32 || b[k] == 9) { k += 1 }
                if k >= stop { break }
                let t0 = k
                while k < stop && b[k] != 32 && b[k] != 9 { k += 1 }
                tokens.append(t0..<k)
            }
            if !tokens.isEmpty { out.append(Line(number: n, start: i, end: stop, tokens: tokens)) }
            // Next line: CRLF, LF or a lone CR.
            i = end
            if i < total && b[i] == 13 { i += 1 }
            if i < total && b[i] == 10 { i += 1 }
        }
        lines = out
    }

    /// Token `i` of `line` as text (keywords; not for the numeric table).
    func word(_ line: Line, _ i: Int) -> Substring {
        guard i < line.count else { return "" }
        return Substring(String(decoding: bytes[line.tokens[i]], as: UTF8.self))
    }

    /// The whole line, trimmed (error messages, TITLE).
    /// The line as it reads, for messages: control characters (an ESC sequence, say) are
    /// shown escaped as \xNN, never sent to the terminal.
    func text(_ line: Line) -> String {
        var out = ""
        for u in String(decoding: bytes[line.start..<line.end], as: UTF8.self).trimmingSpaces.unicodeScalars {
            if u.value < 32 && u != "\t" || u.value == 127 || (0x80...0x9F).contains(u.value) {
                out += "\\x" + (u.value < 16 ? "0" : "") + String(u.value, radix: 16, uppercase: true)
            } else { out.unicodeScalars.append(u) }
        }
        return out
    }

    /// Whether token `i` starts like a number.
    func isNumeric(_ line: Line, _ i: Int = 0) -> Bool {
        guard i < line.count else { return false }
        let c = bytes[line.tokens[i].lowerBound]
        return (c >= 48 && c <= 57) || c == 45 || c == 43 || c == 46
    }

    static func read(path: String) throws(LUTError) -> String {
        switch FileBytes.read(path, limit: 512 << 20) {
        case .success(let bytes):
            if bytes.isEmpty { throw LUTError(path: path, reason: .invalid, expected: "a LUT, but the file is empty") }
            return String(decoding: bytes, as: UTF8.self)
        case .failure(let f):
            throw LUTError(path: path, reason: .unreadable, expected: f.reason)
        }
    }

    func error(_ line: Line, _ expected: String) -> LUTError {
        LUTError(path: path, reason: .syntax, line: line.number, found: text(line), expected: expected)
    }
    func invalid(_ line: Line?, _ what: String) -> LUTError {
        LUTError(path: path, reason: .invalid, line: line?.number, found: line.map(text), expected: what)
    }

    /// Parses token `i` of `line` as a finite float (the whole token), or throws naming what
    /// was expected.
    func float(_ line: Line, _ i: Int, _ what: String = "a number") throws(LUTError) -> Float {
        guard i < line.count else { throw error(line, what) }
        let r = line.tokens[i]
        let v: Float? = bytes.withUnsafeBufferPointer { buf in
            let start = UnsafeRawPointer(buf.baseAddress! + r.lowerBound).assumingMemoryBound(to: CChar.self)
            var endPtr: UnsafeMutablePointer<CChar>?
            let x = strtof(start, &endPtr)
            guard let endPtr, UnsafeRawPointer(endPtr) == UnsafeRawPointer(buf.baseAddress! + r.upperBound) else { return nil }
            return x
        }
        guard let v, v.isFinite else { throw error(line, what) }
        return v
    }
    func int(_ line: Line, _ i: Int, _ what: String = "an integer") throws(LUTError) -> Int {
        guard i < line.count, let v = Int(word(line, i)) else { throw error(line, what) }
        return v
    }
    /// A size written as a number (possibly as a float, "33.0") within `range`, else throws.
    func size(_ line: Line, _ i: Int, in range: ClosedRange<Int>, _ what: String) throws(LUTError) -> Int {
        let v = try float(line, i, what)
        guard v == v.rounded(), v >= Float(range.lowerBound), v <= Float(range.upperBound) else { throw error(line, what) }
        return Int(v)
    }
    /// Exactly `count` numbers on the line, after `skip` leading tokens (a keyword).
    func floats(_ line: Line, skip: Int = 0, count: Int, _ what: String) throws(LUTError) -> [Float] {
        guard line.count == skip + count else { throw error(line, what) }
        var out: [Float] = []
        out.reserveCapacity(count)
        for i in skip..<(skip + count) { out.append(try float(line, i, what)) }
        return out
    }
    /// Appends exactly three numbers (a table row) to `values`.
    func row3(_ line: Line, into values: inout [Float], _ what: String) throws(LUTError) {
        guard line.count == 3 else { throw error(line, what) }
        values.append(try float(line, 0, what)); values.append(try float(line, 1, what)); values.append(try float(line, 2, what))
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
