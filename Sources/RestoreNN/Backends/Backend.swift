/// What runs a graph's layers: a backend takes the reference layers an importer built and
/// swaps in its own for the ones it accelerates (each must agree with the layer it replaces:
/// differential tests). Layers it leaves alone run their reference `forward`.
public protocol Backend: Sendable {
    var name: String { get }
    /// The layers to run, given the reference ones (same blobs in, same blobs out).
    func accelerate(_ layers: [any Layer], threads: Int) -> [any Layer]
    /// Transient bytes `layer` needs while it runs beyond its inputs and outputs (scratch
    /// space, reorders), for memory planning.
    func workspaceBytes(_ layer: any Layer, inputBytes: Int, outputBytes: Int) -> Int
}

/// Plain Swift: the living definition of every op.
public struct ReferenceBackend: Backend {
    public init() {}
    public var name: String { "reference" }
    public func accelerate(_ layers: [any Layer], threads: Int) -> [any Layer] { layers }
    public func workspaceBytes(_ layer: any Layer, inputBytes: Int, outputBytes: Int) -> Int { 0 }
}

/// Which backend a model loads with.
public enum BackendChoice: String, Sendable, CaseIterable {
    case reference
    /// oneDNN for convolutions and deconvolutions (fused bias and activation), the reference
    /// for the rest.
    case onednn

    /// oneDNN when the library initialises, otherwise the reference backend.
    public static var best: BackendChoice { OneDNNBackend.available ? .onednn : .reference }

    public var backend: any Backend {
        switch self {
        case .reference: return ReferenceBackend()
        case .onednn: return OneDNNBackend.available ? OneDNNBackend() : ReferenceBackend()
        }
    }
}
