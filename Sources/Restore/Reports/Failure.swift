import RestoreCore

/// An error as the command line reports it: `restore: <file>: <message>` and an exit code
/// (0 ok, 1 some items failed, 2 usage, 3 input unreadable, 4 output unwritable, 130
/// interrupted). Nil for errors that are not restore's own.
public struct Failure: Sendable, Equatable {
    /// `<file>: <message>`, or the message alone when no file is concerned.
    public var description: String
    public var exitCode: Int32

    public init?(_ error: any Error) {
        guard let e = error as? any RestoreError else { return nil }
        description = e.description
        exitCode = e.category.exitCode
    }
}
