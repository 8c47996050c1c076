import RestoreCore
#if canImport(Glibc)
import Glibc
#endif

/// A frame-sequence path: one frame token in the file name.
///
/// - `%d`, `%04d` (printf): unpadded, or zero-padded to the width;
/// - `####` (Nuke) and `@@@@`: one `#` or `@` per digit (`#` is 1 digit, `####` is 4);
/// - `1001-1100#` (oiiotool's range form): the frames to use, then the padding as oiiotool
///   reads it — each `#` 4 digits, each `@` 1 digit.
///
/// A frame with more digits than the padding is written in full (`%02d` of 100 is `100`).
/// Folders in the path are literal; frames are 0…999,999,999 (no negative frames).
public struct FramePattern: Sendable, Equatable {
    /// Everything before and after the token.
    public let prefix: String, suffix: String
    /// Zero-padding width (0: unpadded).
    public let padding: Int
    /// Frames named in the pattern itself (the range form), if any.
    public let frames: FrameSet?

    /// The pattern in `path`, or nil when its file name holds no frame token.
    public init?(_ path: String) throws(OptionError) {
        let nameStart = path.lastIndex(of: "/").map { path.index(after: $0) } ?? path.startIndex
        let name = Array(path[nameStart...].utf8)
        let head = String(path[..<nameStart])
        func text(_ r: Range<Int>) -> String { String(decoding: name[r], as: UTF8.self) }
        let digit = { (c: UInt8) in c >= 0x30 && c <= 0x39 }
        var i = 0
        while i < name.count {
            let c = name[i]
            if c == UInt8(ascii: "%") {
                var j = i + 1
                while j < name.count, digit(name[j]) { j += 1 }
                if j < name.count, name[j] == UInt8(ascii: "d") {
                    let width = text(i + 1..<j)
                    guard width.count <= 2, let w = width.isEmpty ? 0 : Int(width), w <= 9 else {
                        throw OptionError(path: path, "frame padding '%\(width)d' must be at most 9 digits")
                    }
                    try self.init(prefix: head + text(0..<i), suffix: text(j + 1..<name.count), padding: w, frames: nil, path: path)
                    return
                }
            } else if c == UInt8(ascii: "#") || c == UInt8(ascii: "@") {
                var j = i
                while j < name.count, name[j] == c { j += 1 }
                // The range form: digits-digits right before the run.
                var k = i
                while k > 0, digit(name[k - 1]) || name[k - 1] == UInt8(ascii: "-") || name[k - 1] == UInt8(ascii: ",")
                        || name[k - 1] == UInt8(ascii: "x") { k -= 1 }
                while k < i, !digit(name[k]) { k += 1 }  // the range starts with a digit
                let range = text(k..<i)
                if range.contains("-") || range.contains(",") {
                    let set = try FrameSet(parsing: range, flag: "the frame range in '\(path)'")
                    try self.init(prefix: head + text(0..<k), suffix: text(j..<name.count),
                              padding: (j - i) * (c == UInt8(ascii: "#") ? 4 : 1), frames: set, path: path)
                } else {
                    try self.init(prefix: head + text(0..<i), suffix: text(j..<name.count), padding: j - i, frames: nil, path: path)
                }
                return
            }
            i += 1
        }
        return nil
    }

    private init(prefix: String, suffix: String, padding: Int, frames: FrameSet?, path: String) throws(OptionError) {
        guard padding <= 9 else { throw OptionError(path: path, "frame padding of \(padding) digits is more than 9") }
        if (try? FramePattern(suffix)) != nil { throw OptionError(path: path, "more than one frame token in the file name") }
        self.prefix = prefix; self.suffix = suffix; self.padding = padding; self.frames = frames
    }

    /// The path of `frame`.
    public func path(_ frame: Int) -> String {
        let digits = String(frame)
        return prefix + String(repeating: "0", count: Swift.max(0, padding - digits.count)) + digits + suffix
    }

    /// The frame number `name` (a file name in the pattern's folder) stands for, if it matches.
    func frame(ofFileName name: String) -> Int? {
        let filePrefix = prefix.lastIndex(of: "/").map { String(prefix[prefix.index(after: $0)...]) } ?? prefix
        guard name.hasPrefix(filePrefix), name.hasSuffix(suffix), name.count > filePrefix.count + suffix.count else { return nil }
        let digits = name.dropFirst(filePrefix.count).dropLast(suffix.count)
        guard digits.count <= 9, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let v = Int(digits) else { return nil }
        // Exactly the padded spelling, so `%04d` does not also take `12` or `00012`.
        return String(digits) == path(v).dropFirst(prefix.count).dropLast(suffix.count) ? v : nil
    }

    /// The folder the frames live in.
    var folder: String {
        guard let slash = prefix.lastIndex(of: "/") else { return "." }
        let d = String(prefix[..<slash])
        return d.isEmpty ? "/" : d
    }

    /// The frames on disk that match, ascending.
    func existingFrames() -> [Int] {
        (Directory.names(folder) ?? []).compactMap(frame(ofFileName:)).sorted()
    }
}
