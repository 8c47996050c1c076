import RestoreCore

/// A model that cannot be loaded or run. `detail` names the layer (type and name) and what
/// was wrong; `path` the model file.
public struct NNError: RestoreError, Equatable {
    public enum Reason: String, Sendable {
        /// The model file could not be read.
        case unreadable
        /// The graph text does not parse (line in `line`).
        case syntax
        /// A layer type or a variant of one that no backend implements.
        case unsupportedLayer
        /// Weights shorter or longer than the graph says, or an unknown weight tag.
        case badWeights
        /// Shapes that do not fit (wrong input channels, mismatched operands).
        case shape
        /// The run was cancelled between tiles.
        case cancelled
    }
    public var path: String?
    public var reason: Reason
    public var line: Int?
    public var detail: String

    public init(path: String?, reason: Reason, line: Int? = nil, detail: String) {
        self.path = path; self.reason = reason; self.line = line; self.detail = detail
    }
    public var message: String {
        let l = line.map { "line \($0): " } ?? ""
        switch reason {
        case .unsupportedLayer: return "\(l)unsupported layer: \(detail)"
        default: return "\(l)\(detail)"
        }
    }
    public var category: ErrorCategory {
        switch reason {
        case .shape: return .failed
        case .cancelled: return .interrupted
        default: return .inputUnreadable
        }
    }
}
