import RestoreCore

/// A LUT file that cannot be used. Parse errors carry the file, the 1-based line, the text
/// found there and what was expected — OpenColorIO's manner.
public struct LUTError: RestoreError, Equatable {
    public enum Reason: String, Sendable {
        /// The file could not be read.
        case unreadable
        /// The extension names no LUT format we know.
        case unknownFormat
        /// A line does not parse (see `line`, `found`, `expected`).
        case syntax
        /// The file parses but is inconsistent (wrong count of entries, bad size, domain min ≥ max).
        case invalid
        /// A format cannot store this LUT (e.g. a 1D-only LUT as a Hald image).
        case unsupported
        /// The LUT could not be written.
        case writeFailed
    }
    public var path: String?
    public var reason: Reason
    /// 1-based line number, when the problem is on one line.
    public var line: Int?
    /// The offending text.
    public var found: String?
    /// What the parser expected there, or the problem in words.
    public var expected: String
    /// Why the other formats did not read the file either ("3dl: line 1: …"), when they were tried.
    public var alsoTried: [String] = []

    public init(path: String?, reason: Reason, line: Int? = nil, found: String? = nil, expected: String) {
        self.path = path; self.reason = reason; self.line = line; self.found = found; self.expected = expected
    }

    public var message: String {
        var s = line.map { "line \($0): " } ?? ""
        if let found { s += "found '\(found.count > 60 ? String(found.prefix(60)) + "…" : found)', " }
        switch reason {
        case .syntax: s += "expected \(expected)"
        default: s += expected
        }
        if !alsoTried.isEmpty { s += " (nor does it read as " + alsoTried.joined(separator: "; ") + ")" }
        return s
    }
    public var category: ErrorCategory {
        switch reason {
        case .unknownFormat: return .usage
        case .writeFailed: return .outputUnwritable
        default: return .inputUnreadable
        }
    }
}
