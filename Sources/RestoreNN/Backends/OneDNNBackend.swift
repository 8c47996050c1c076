/// oneDNN: convolutions, deconvolutions and two-input binary ops run by oneDNN primitives (and
/// kernel = stride deconvolutions as 1×1 convolutions), PReLUs folded into the convolution before them.
struct OneDNNBackend: Backend {
    static var available: Bool { OneDNN.shared.available }
    var name: String { "onednn" }

    func accelerate(_ layers: [any Layer], threads: Int) -> [any Layer] {
        OneDNN.configure(threads: threads)
        var built: [any Layer] = []
        for l in layers {
            if let conv = l as? ConvolutionLayer, let fast = OneDNNConvolution(conv) { built.append(fast) }
            else if let deconv = l as? DeconvolutionLayer, let fast = OneDNNPatchDeconvolution(deconv, threads: threads) { built.append(fast) }
            else if let deconv = l as? DeconvolutionLayer, let fast = OneDNNConvolution(deconv) { built.append(fast) }
            else if let binary = l as? BinaryOpLayer, let fast = OneDNNBinary(binary) { built.append(fast) }
            else { built.append(l) }
        }
        return Self.fusingPReLU(built, threads: threads)
    }

    /// oneDNN's scratchpad and reorders for convolutions (Winograd transforms of input and
    /// output): measured at about their input plus output.
    func workspaceBytes(_ layer: any Layer, inputBytes: Int, outputBytes: Int) -> Int {
        layer is OneDNNConvolution || layer is OneDNNPatchDeconvolution ? inputBytes + outputBytes : 0
    }

    /// Folds each PReLU that is the only reader of a oneDNN convolution's output into it.
    static func fusingPReLU(_ layers: [any Layer], threads: Int) -> [any Layer] {
        var readers: [String: Int] = [:]
        for l in layers { for i in l.spec.inputs { readers[i, default: 0] += 1 } }
        var out: [any Layer] = []
        for l in layers {
            if let p = l as? PReLULayer, let conv = out.last as? OneDNNConvolution, conv.prelu == nil,
               conv.spec.outputs.count == 1, p.spec.inputs == conv.spec.outputs, readers[p.spec.inputs[0]] == 1,
               p.slopes.count == 1 || p.slopes.count == conv.g.outC {
                conv.fuse(p)
                conv.threads = threads
                continue
            }
            out.append(l)
        }
        return out
    }
}
