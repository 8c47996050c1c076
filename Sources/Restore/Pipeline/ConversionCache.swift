import Foundation
import RestoreColor
import RestoreCore

/// The colour conversions of one plan: each pair of profiles (with intent and black-point
/// compensation) is compiled once and then shared by every image and thread. Profiles are
/// told apart by their colorimetry (`ColorProfile.isEquivalent`'s notion: ICC bytes without
/// header dates and IDs), so frames embedding the same profile share one transform.
final class ConversionCache: @unchecked Sendable {
    private struct Key: Hashable {
        var from: [UInt8], to: [UInt8], intent: RenderingIntent, bpc: Bool
    }
    private var transforms: [Key: ColorTransform] = [:]
    private let lock = NSLock()

    /// How many transforms were compiled (a test-visible count).
    var compiled: Int { lock.lock(); defer { lock.unlock() }; return transforms.count }

    func transform(from: ColorProfile, to: ColorProfile, intent: RenderingIntent, bpc: Bool) throws(ColorError) -> ColorTransform {
        let key = Key(from: Self.identity(from), to: Self.identity(to), intent: intent, bpc: bpc)
        lock.lock(); defer { lock.unlock() }
        if let t = transforms[key] { return t }
        let t = try ColorTransform(from: from, to: to, intent: intent, blackPointCompensation: bpc)
        transforms[key] = t
        return t
    }

    /// The profile's bytes without the fields `isEquivalent` ignores (creation date, ID).
    private static func identity(_ p: ColorProfile) -> [UInt8] {
        var b = p.iccData
        for i in 24..<36 where i < b.count { b[i] = 0 }
        for i in 84..<100 where i < b.count { b[i] = 0 }
        return b
    }
}
