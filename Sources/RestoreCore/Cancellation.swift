import Synchronization

/// A flag that long-running work polls between units (tiles, bands, items) so that a caller
/// (an `async` task being cancelled, a signal handler) can stop it. Setting it is permanent.
public final class Cancellation: Sendable {
    private let flag = Atomic<Bool>(false)
    public init() {}

    /// Asks the work to stop at its next check.
    public func cancel() { flag.store(true, ordering: .relaxed) }
    public var isCancelled: Bool { flag.load(ordering: .relaxed) }

    /// Throws `CancelledError` once cancelled.
    public func check() throws(CancelledError) {
        if isCancelled { throw CancelledError() }
    }
}

/// Work stopped because it was cancelled (exit code 130).
public struct CancelledError: RestoreError, Equatable {
    public init() {}
    public var path: String? { nil }
    public var message: String { "cancelled" }
    public var category: ErrorCategory { .interrupted }
}
