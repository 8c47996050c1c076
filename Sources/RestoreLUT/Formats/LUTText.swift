import RestoreCore
#if canImport(Glibc)
import Glibc
#endif

/// A LUT text file split into lines: comments (`#` to the end of the line) and blank lines
/// removed, CR/LF and tabs tolerated, a UTF-8 byte-order mark skipped. Works on the file's
/// bytes (numbers parsed with `strtof`), so a 65³ cube parses in a fraction of a second.
/// A line is 8 bytes (its start, length and token count; tokens are found again when read,
/// its number counted only for an error message), so parsing a LUT takes about 2.5× the
/// file's size: the bytes, the lines and the values. Parsers report errors with the original
/// 1-based line number and text.
struct LUTText {
    struct Line {
        /// Byte offset of the line and its length (comment removed).
        let offset: Int32, length: UInt16
        let tokenCount: UInt16
        var start: Int { Int(offset) }
        var end: Int { Int(offset) + Int(length) }
        var count: Int { Int(tokenCount) }
    }
    let path: String?
    /// The file's bytes plus a terminating 0 (for strtof).
    let bytes: [UInt8]
    var lines: [Line]
    /// Set when a line is too long to describe (over 65535 bytes).
    private(set) var overlong: Int?

    init(path: String?, contents: String, commentMarker: UInt8? = UInt8(ascii: "#")) {
        self.init(path: path, bytes: Array(contents.utf8), commentMarker: commentMarker)
    }

    init(path: String?, bytes file: consuming [UInt8], commentMarker: UInt8? = UInt8(ascii: "#")) {
        self.path = path
        var b = file  // taken over, not copied
        b.append(0)
        var out: [Line] = []
        var i = 0
        if b.starts(with: [0xEF, 0xBB, 0xBF]) { i = 3 }  // a UTF-8 byte-order mark (Windows editors write one)
        let total = b.count - 1
        var overlong: Int?
        b.withUnsafeBufferPointer { b in
            while i < total {
                var end = i
                while end < total && b[end] != 10 && b[end] != 13 { end += 1 }
                var stop = end
                if let m = commentMarker, let c = b[i..<end].firstIndex(of: m) { stop = c }
                var count = 0, k = i
                while k < stop {
                    while k < stop && (b[k] == 32 || b[k] == 9) { k += 1 }
                    if k >= stop { break }
                    count += 1
                    while k < stop && b[k] != 32 && b[k] != 9 { k += 1 }
                }
                if count > 0 {
                    if stop - i > Int(UInt16.max) || count > Int(UInt16.max) { if overlong == nil { overlong = i } }
                    else { out.append(Line(offset: Int32(i), length: UInt16(stop - i), tokenCount: UInt16(count))) }
                }
                // Next line: CRLF, LF or a lone CR.
                i = end
                if i < total && b[i] == 13 { i += 1 }
                if i < total && b[i] == 10 { i += 1 }
            }
        }
        bytes = b
        lines = out
        self.overlong = overlong
    }

    /// The 1-based line number of byte `offset` (counted when a message needs it).
    func number(of line: Line) -> Int { number(at: line.start) }
    func number(at offset: Int) -> Int {
        var n = 1, i = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        while i < offset {
            if bytes[i] == 10 || (bytes[i] == 13 && bytes[i + 1] != 10) { n += 1 }
            i += 1
        }
        return n
    }

    /// Throws when a line was too long to keep (a LUT has no such lines).
    func checkLineLengths() throws(LUTError) {
        if let overlong {
            throw LUTError(path: path, reason: .syntax, line: number(at: overlong), expected: "a line of at most 65535 bytes")
        }
    }

    /// The byte range of token `i` of `line`.
    private func token(_ line: Line, _ i: Int) -> Range<Int> {
        var k = line.start, seen = -1, t0 = k
        let stop = line.end
        while k < stop {
            while k < stop && (bytes[k] == 32 || bytes[k] == 9) { k += 1 }
            if k >= stop { break }
            t0 = k
            seen += 1
            while k < stop && bytes[k] != 32 && bytes[k] != 9 { k += 1 }
            if seen == i { return t0..<k }
        }
        return stop..<stop
    }

    /// Token `i` of `line` as text (keywords; not for the numeric table).
    func word(_ line: Line, _ i: Int) -> Substring {
        guard i < line.count else { return "" }
        return Substring(String(decoding: bytes[token(line, i)], as: UTF8.self))
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
        let c = bytes[token(line, i).lowerBound]
        return (c >= 48 && c <= 57) || c == 45 || c == 43 || c == 46
    }

    static func read(path: String) throws(LUTError) -> [UInt8] {
        switch FileBytes.read(path, limit: 512 << 20) {
        case .success(let bytes):
            if bytes.isEmpty { throw LUTError(path: path, reason: .invalid, expected: "a LUT, but the file is empty") }
            return bytes
        case .failure(let f):
            throw LUTError(path: path, reason: .unreadable, expected: f.reason)
        }
    }

    func error(_ line: Line, _ expected: String) -> LUTError {
        LUTError(path: path, reason: .syntax, line: number(of: line), found: text(line), expected: expected)
    }
    func invalid(_ line: Line?, _ what: String) -> LUTError {
        LUTError(path: path, reason: .invalid, line: line.map { number(of: $0) }, found: line.map(text), expected: what)
    }

    /// Parses token `i` of `line` as a finite float (the whole token), or throws naming what
    /// was expected.
    func float(_ line: Line, _ i: Int, _ what: String = "a number") throws(LUTError) -> Float {
        guard i < line.count else { throw error(line, what) }
        return try number(token(line, i), line, what)
    }

    /// The token at `r` as a finite float (the whole token).
    private func number(_ r: Range<Int>, _ line: Line, _ what: String) throws(LUTError) -> Float {
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
        // One pass over the line for the three tokens (the table is most of the file).
        var k = line.start
        let stop = line.end
        for _ in 0..<3 {
            while k < stop && (bytes[k] == 32 || bytes[k] == 9) { k += 1 }
            let t0 = k
            while k < stop && bytes[k] != 32 && bytes[k] != 9 { k += 1 }
            values.append(try number(t0..<k, line, what))
        }
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
