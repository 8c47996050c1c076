#if canImport(Glibc)
import Glibc
#endif

/// A small XML reader for the XML LUT formats (CLF, CTF, CDL): elements, attributes, text,
/// comments, CDATA, processing instructions and a DOCTYPE (skipped), the five predefined
/// entities and numeric character references. No namespaces or DTD processing. Every element
/// remembers its line, so errors name it. Nesting is limited to 64 levels; everything else is
/// bounded by the file's size. Text stays in the document as byte ranges, so a 65³ `Array`
/// parses straight from the bytes.
struct XMLLite {
    struct Element {
        var name: String
        var attributes: [String: String] = [:]
        var children: [Element] = []
        /// Byte ranges of the element's own text (entities left as written).
        var text: [Range<Int>] = []
        /// 1-based line of the start tag.
        var line: Int

        func child(_ name: String) -> Element? { children.first { $0.name == name } }
        func all(_ name: String) -> [Element] { children.filter { $0.name == name } }
    }

    let source: LUTText
    private let b: [UInt8]
    private(set) var root: Element

    static let maxDepth = 64

    init(_ text: LUTText) throws(LUTError) {
        source = text
        b = text.bytes
        var p = Parser(b: b, path: text.path)
        root = try p.document()
    }

    /// The element's text with entities decoded, trimmed.
    func text(_ e: Element) -> String {
        var s = ""
        for r in e.text { s += String(decoding: b[r], as: UTF8.self) }
        return Parser.decodeEntities(s).trimmingCharacters()
    }

    /// The element's text as floats (whitespace- or comma-separated), checked to be finite.
    func floats(_ e: Element, path: String?, what: String) throws(LUTError) -> [Float] {
        var out: [Float] = []
        for r in e.text {
            try b.withUnsafeBufferPointer { (buf) throws(LUTError) in
                let base = UnsafeRawPointer(buf.baseAddress!).assumingMemoryBound(to: CChar.self)
                var i = r.lowerBound
                while i < r.upperBound {
                    let c = buf[i]
                    if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == 0x2C { i += 1; continue }
                    var end: UnsafeMutablePointer<CChar>?
                    let v = strtof(base + i, &end)
                    let used = end.map { UnsafePointer($0) - (base + i) } ?? 0
                    guard used > 0, i + used <= r.upperBound, v.isFinite else {
                        var stop = i
                        while stop < r.upperBound && ![0x20, 0x09, 0x0A, 0x0D, 0x2C].contains(buf[stop]) { stop += 1 }
                        throw LUTError(path: path, reason: .syntax, line: source.number(at: i),
                                       found: String(decoding: buf[i..<stop], as: UTF8.self), expected: "a finite number in \(what)")
                    }
                    out.append(v)
                    i += used
                }
            }
        }
        return out
    }

    private struct Parser {
        let b: [UInt8]
        let path: String?
        var i = 0
        var line = 1
        let end: Int

        init(b: [UInt8], path: String?) {
            self.b = b; self.path = path
            end = b.last == 0 ? b.count - 1 : b.count
            if b.starts(with: [0xEF, 0xBB, 0xBF]) { i = 3 }
        }

        func fail(_ expected: String, found: String? = nil) -> LUTError {
            LUTError(path: path, reason: .syntax, line: line, found: found, expected: expected)
        }

        mutating func advance(_ n: Int = 1) {
            for _ in 0..<n where i < end { if b[i] == 0x0A { line += 1 }; i += 1 }
        }

        func at(_ s: String) -> Bool {
            let u = Array(s.utf8)
            return i + u.count <= end && b[i..<i + u.count].elementsEqual(u)
        }

        mutating func skip(until s: String, what: String) throws(LUTError) {
            while i < end && !at(s) { advance() }
            guard i < end else { throw fail("the end of \(what) ('\(s)')") }
            advance(s.utf8.count)
        }

        mutating func skipSpace() { while i < end, [0x20, 0x09, 0x0A, 0x0D].contains(b[i]) { advance() } }

        /// Comments, processing instructions and a DOCTYPE before or after the root.
        mutating func skipMisc() throws(LUTError) {
            while true {
                skipSpace()
                if at("<?") { try skip(until: "?>", what: "a processing instruction") }
                else if at("<!--") { try skip(until: "-->", what: "a comment") }
                else if at("<!DOCTYPE") { try skip(until: ">", what: "the DOCTYPE") }
                else { return }
            }
        }

        mutating func document() throws(LUTError) -> Element {
            try skipMisc()
            guard at("<") else { throw fail("an XML document (it starts with '<')", found: snippet()) }
            let root = try element(depth: 0)
            try skipMisc()
            guard i >= end else { throw fail("nothing after the root element </\(root.name)>", found: snippet()) }
            return root
        }

        /// Up to 20 bytes from here, on one line.
        func snippet() -> String {
            String(decoding: b[i..<min(end, i + 20)].prefix { $0 != 0x0A && $0 != 0x0D }, as: UTF8.self)
        }

        static func isNameByte(_ c: UInt8) -> Bool {
            (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) || c == 0x5F || c == 0x2D || c == 0x2E || c == 0x3A || c >= 0x80
        }

        mutating func name() throws(LUTError) -> String {
            let s = i
            while i < end && Self.isNameByte(b[i]) { i += 1 }
            guard i > s else { throw fail("a name", found: snippet()) }
            return String(decoding: b[s..<i], as: UTF8.self)
        }

        mutating func element(depth: Int) throws(LUTError) -> Element {
            guard depth < XMLLite.maxDepth else { throw fail("at most \(XMLLite.maxDepth) nested elements") }
            advance()  // <
            var e = Element(name: try name(), line: line)
            // Attributes.
            while true {
                skipSpace()
                guard i < end else { throw fail("the end of <\(e.name)>") }
                if at("/>") { advance(2); return e }
                if at(">") { advance(); break }
                let key = try name()
                skipSpace()
                guard at("=") else { throw fail("'=' after attribute \(key)", found: snippet()) }
                advance(); skipSpace()
                guard i < end, b[i] == 0x22 || b[i] == 0x27 else { throw fail("a quoted value for attribute \(key)", found: snippet()) }
                let q = b[i]; advance()
                let s = i
                while i < end && b[i] != q { advance() }
                guard i < end else { throw fail("the closing quote of attribute \(key)") }
                e.attributes[key] = Self.decodeEntities(String(decoding: b[s..<i], as: UTF8.self))
                advance()
            }
            // Content.
            while true {
                guard i < end else { throw fail("</\(e.name)> (the element opened on line \(e.line))") }
                if at("</") {
                    advance(2)
                    let closing = try name()
                    guard closing == e.name else { throw fail("</\(e.name)> (opened on line \(e.line))", found: "</\(closing)>") }
                    skipSpace()
                    guard at(">") else { throw fail("'>' closing </\(closing)>", found: snippet()) }
                    advance()
                    return e
                }
                if at("<!--") { try skip(until: "-->", what: "a comment"); continue }
                if at("<![CDATA[") {
                    advance(9)
                    let s = i
                    while i < end && !at("]]>") { advance() }
                    guard i < end else { throw fail("']]>' closing CDATA") }
                    e.text.append(s..<i)
                    advance(3)
                    continue
                }
                if at("<?") { try skip(until: "?>", what: "a processing instruction"); continue }
                if at("<") { e.children.append(try element(depth: depth + 1)); continue }
                let s = i
                while i < end && b[i] != 0x3C { advance() }
                e.text.append(s..<i)
            }
        }

        static func decodeEntities(_ s: String) -> String {
            guard s.contains("&") else { return s }
            var out = ""
            var rest = Substring(s)
            while let amp = rest.firstIndex(of: "&") {
                out += rest[..<amp]
                guard let semi = rest[amp...].firstIndex(of: ";"), rest.distance(from: amp, to: semi) <= 10 else {
                    out += rest[amp...]; return out
                }
                let ent = rest[rest.index(after: amp)..<semi]
                switch ent {
                case "lt": out += "<"
                case "gt": out += ">"
                case "amp": out += "&"
                case "quot": out += "\""
                case "apos": out += "'"
                default:
                    if ent.hasPrefix("#x"), let v = UInt32(ent.dropFirst(2), radix: 16), let u = Unicode.Scalar(v) { out.unicodeScalars.append(u) }
                    else if ent.hasPrefix("#"), let v = UInt32(ent.dropFirst()), let u = Unicode.Scalar(v) { out.unicodeScalars.append(u) }
                    else { out += "&" + ent + ";" }
                }
                rest = rest[rest.index(after: semi)...]
            }
            return out + rest
        }
    }
}

extension String {
    func trimmingCharacters() -> String {
        let ws: Set<Character> = [" ", "\t", "\n", "\r"]
        var s = Substring(self)
        while let f = s.first, ws.contains(f) { s = s.dropFirst() }
        while let l = s.last, ws.contains(l) { s = s.dropLast() }
        return String(s)
    }
}

/// Writing XML text: attribute and text escaping.
enum XMLText {
    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }

    /// A float as the shortest text that reads back to it.
    static func number(_ v: Float) -> String {
        if v == v.rounded() && abs(v) < 1e7 { return String(Int(v)) }
        return "\(v)"
    }
}
