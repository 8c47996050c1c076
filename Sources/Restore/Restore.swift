@_exported import RestoreColor
@_exported import RestoreCore
@_exported import RestoreIO
@_exported import RestoreLUT
@_exported import RestoreNN
@_exported import RestorePlugins

/// restore's version, printed by `restore --version`.
public let restoreVersion = "0.1.0"

/// A problem with the options asked for (exit code 2).
public struct OptionError: RestoreError, Equatable {
    public var path: String?
    public var message: String
    public init(path: String? = nil, _ message: String) { self.path = path; self.message = message }
    public var category: ErrorCategory { .usage }
}
