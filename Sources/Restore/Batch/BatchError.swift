import RestoreCore

/// A batch-level problem: nothing matched IN, or some items failed (exit code 1).
public struct BatchError: RestoreError, Equatable {
    public var path: String?
    public var message: String
    public var category: ErrorCategory
}
