/// One image of a batch: where it is read from and written to, its frame number (sequences)
/// and the shot it belongs to (items of one shot share the parameters decided for it).
public struct BatchItem: Sendable, Equatable {
    public var input: String
    public var output: String
    public var frame: Int?
    /// Index of the item's shot in the whole (unsharded) batch.
    public var shot: Int
}
