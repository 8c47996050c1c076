import RestoreCore

/// A colour-management failure. `detail` carries lcms2's own error text where it has one.
public struct ColorError: RestoreError, Equatable {
    public enum Reason: String, Sendable {
        /// A space name that is neither built in nor an existing ICC file.
        case unknownSpace
        /// An ICC profile (file or embedded) that lcms2 rejects.
        case badProfile
        /// The profile describes another colour model than the image (e.g. CMYK for RGB pixels).
        case mismatch
        /// lcms2 could not build the transform between two profiles.
        case transformFailed
    }
    public var path: String?
    public var reason: Reason
    public var detail: String

    public init(path: String? = nil, reason: Reason, detail: String) {
        self.path = path; self.reason = reason; self.detail = detail
    }
    public var message: String {
        switch reason {
        case .unknownSpace: return "unknown colour space \(detail)"
        case .badProfile: return "invalid ICC profile: \(detail)"
        case .mismatch: return "profile does not fit the image: \(detail)"
        case .transformFailed: return "cannot build colour transform: \(detail)"
        }
    }
    public var category: ErrorCategory {
        switch reason {
        case .unknownSpace: return .usage
        case .badProfile, .mismatch: return .inputUnreadable
        case .transformFailed: return .failed
        }
    }
}
