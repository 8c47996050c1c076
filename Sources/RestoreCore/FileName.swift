/// File-name helpers shared by the format registries.
public enum FileName {
    /// The extension of the last path component, lowercased, without the dot; nil when the
    /// name has none.
    public static func `extension`(of path: String) -> String? {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return nil }
        let ext = path[path.index(after: dot)...]
        return ext.isEmpty ? nil : ext.lowercased()
    }
}
