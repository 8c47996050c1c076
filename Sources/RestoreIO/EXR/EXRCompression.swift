/// OpenEXR compression methods, by the names OpenEXR and oiiotool use. The raw value is
/// OpenEXRCore's `exr_compression_t`.
public enum EXRCompression: Int32, Sendable, CaseIterable, CustomStringConvertible {
    case none = 0, rle, zips, zip, piz, pxr24, b44, b44a, dwaa, dwab

    /// Lowercase name ("zip", "piz").
    public var description: String { ["none", "rle", "zips", "zip", "piz", "pxr24", "b44", "b44a", "dwaa", "dwab"][Int(rawValue)] }
    /// Whether restore writes it. DWAA/DWAB are read-only (OpenEXRCore 3.1 cannot encode or
    /// decode them, see `readable`); B44/B44A are lossy for half data and write float as is.
    public var writable: Bool { self != .dwaa && self != .dwab }
    /// OpenEXRCore 3.1 (Debian 12) has no DWA codec: such files fail with a message naming it.
    public var readable: Bool { self != .dwaa && self != .dwab }
    /// Lossless for every pixel type.
    public var lossless: Bool { [.none, .rle, .zips, .zip, .piz].contains(self) }

    public init?(name: String) {
        guard let c = Self.allCases.first(where: { $0.description == name.lowercased() }) else { return nil }
        self = c
    }
}
