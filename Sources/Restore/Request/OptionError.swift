import RestoreCore

/// A problem with the options or settings asked for (exit code 2). For settings that come
/// from a config file, `path` names the file and `line` the line.
public struct OptionError: RestoreError, Equatable {
    public var path: String?
    public var line: Int?
    public var text: String
    public init(path: String? = nil, line: Int? = nil, _ text: String) { self.path = path; self.line = line; self.text = text }
    public var message: String { (line.map { "line \($0): " } ?? "") + text }
    public var category: ErrorCategory { .usage }
}
