/// What kind of failure an error is; the executable maps it to an exit code
/// (ARCHITECTURE.md: 2 usage, 3 input unreadable, 4 output unwritable, 1 other failure,
/// 130 interrupted).
public enum ErrorCategory: Sendable, Equatable {
    /// A bad argument, option or combination of them.
    case usage
    /// An input could not be read or decoded.
    case inputUnreadable
    /// An output could not be created or written.
    case outputUnwritable
    /// Anything else (a processing stage failed).
    case failed
    /// Stopped by a signal or by cancellation (exit code 130, as a shell reports SIGINT).
    case interrupted

    /// The process exit code for this category.
    public var exitCode: Int32 {
        switch self {
        case .usage: return 2
        case .inputUnreadable: return 3
        case .outputUnwritable: return 4
        case .failed: return 1
        case .interrupted: return 130
        }
    }
}

/// Every error a stage throws conforms: it names the file it concerns (when there is one) and
/// says what went wrong in words fit for `restore: <file>: <message>`.
public protocol RestoreError: Error, Sendable, CustomStringConvertible {
    /// The file the error concerns, if any.
    var path: String? { get }
    /// What went wrong, without the path.
    var message: String { get }
    var category: ErrorCategory { get }
}

extension RestoreError {
    public var description: String {
        if let path { return "\(path): \(message)" }
        return message
    }
}
