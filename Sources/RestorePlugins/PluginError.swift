import RestoreCore

/// A config file, plugin manifest or native plugin that cannot be used: the file, the line
/// where known, and what was wrong or expected.
public struct PluginError: RestoreError, Equatable {
    public enum Reason: String, Sendable {
        /// The file cannot be read.
        case unreadable
        /// Not YAML, or YAML of the wrong shape (a key missing, a value of the wrong type).
        case invalid
        /// A preset or option names a plugin, stage or preset that does not exist.
        case unknown
        /// A native plugin's library does not load, lacks the entry point, or has another ABI.
        case native
        /// A native plugin reported a failure while processing.
        case failed
    }
    public var path: String?
    public var reason: Reason
    public var line: Int?
    public var detail: String

    public init(path: String?, reason: Reason, line: Int? = nil, _ detail: String) {
        self.path = path; self.reason = reason; self.line = line; self.detail = detail
    }
    public var message: String { (line.map { "line \($0): " } ?? "") + detail }
    public var category: ErrorCategory {
        switch reason {
        case .unknown: return .usage
        case .failed: return .failed
        default: return .inputUnreadable
        }
    }
}
