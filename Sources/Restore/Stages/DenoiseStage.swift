import Foundation
import RestoreColor
import RestoreCore
import RestorePlugins

/// Denoising, decided per image: σ is estimated (`auto`) or given, then the plugin is chosen
/// (a non-blind model gets σ as a noise-level plane; fixed-strength models are picked by
/// their `noise_range`), or the image is left alone when it is cleaner than every range.
struct DenoiseStage: Stage {
    enum Sigma: Sendable, Equatable { case auto, fixed(Double) }
    let sigma: Sigma
    /// The plugin asked for, or every denoise plugin by preference (never empty).
    let candidates: [Model]
    let explicit: Bool

    var kind: String { "denoise" }
    var label: String { explicit ? "denoise (\(candidates[0].label))" : "denoise" }

    /// The preferred candidate's encoding (every shipped and published denoiser is sRGB).
    func encoding(channels: Int) -> ColorProfile? { Colorimetry.fitting(candidates[0].encoding, channels: channels) }

    func geometry() throws -> StageGeometry { StageGeometry(scale: 1, halo: try candidates[0].geometry().halo) }

    func apply(to image: inout Image, context: StageContext) throws -> [String] {
        let s: Double
        let shown: String
        switch sigma {
        case .fixed(let v): s = v; shown = "σ \((s * 10).rounded() / 10)"
        case .auto:
            if let d = context.decision, let v = d.values["sigma"] {
                s = v; shown = "σ ≈ \((s * 10).rounded() / 10) (the shot's, from \(d.samples) frame\(d.samples == 1 ? "" : "s"))"
            } else { s = NoiseEstimate.sigma(of: image); shown = "σ ≈ \((s * 10).rounded() / 10)" }
        }
        if let nb = candidates.first(where: { $0.manifest?.parameters.contains { $0.name == "sigma" } == true }) {
            let range = nb.manifest!.parameters.first { $0.name == "sigma" }!.range ?? 0...255
            let level = Float(Swift.min(Swift.max(s, range.lowerBound), range.upperBound) / 255)
            try nb.run(on: &image, extraPlanes: [level], scale: 1, label: "denoise (\(nb.label))", context: context)
            return ["denoise: \(shown): \(nb.label)"]
        }
        let ranged = candidates.filter { $0.manifest?.noiseRange != nil }
        let pick: Model?
        if explicit || ranged.isEmpty { pick = candidates.first }
        else {
            // The plugin whose range holds σ; above every range, the strongest; below, none.
            let strongest = ranged.max { $0.manifest!.noiseRange!.upperBound < $1.manifest!.noiseRange!.upperBound }!
            pick = ranged.first { $0.manifest!.noiseRange!.contains(s) } ?? (s > strongest.manifest!.noiseRange!.upperBound ? strongest : nil)
        }
        guard let pick else { return ["denoise: \(shown): clean enough, not denoised"] }
        try pick.run(on: &image, scale: 1, label: "denoise (\(pick.label))", context: context)
        return ["denoise: \(shown): \(pick.label)"]
    }

    var decidesPerShot: Bool { sigma == .auto }

    /// An estimated σ is decided once per shot: the median of the samples' estimates.
    func decide(samples: [Image]) -> ShotDecision? {
        guard sigma == .auto, !samples.isEmpty else { return nil }
        let sigmas = samples.map { NoiseEstimate.sigma(of: $0) }.sorted()
        let n = sigmas.count
        let median = n % 2 == 1 ? sigmas[n / 2] : (sigmas[n / 2 - 1] + sigmas[n / 2]) / 2
        return ShotDecision(values: ["sigma": median], samples: n)
    }

    /// `denoise: {sigma: auto | 0…75, plugin: ID|PATH}`.
    static let kind = StageKind(nickname: .denoise) { step, builder in
        let settings = try StepSettings(step, known: ["sigma"])
        let sigma: Sigma
        if settings.string("sigma") ?? "auto" == "auto" { sigma = .auto }
        else {
            guard let v = try? settings.number("sigma", in: 0...75) else {
                throw settings.fail("'sigma' must be auto or a noise σ in 8-bit levels from 0 to 75, got '\(settings.string("sigma")!)'")
            }
            sigma = .fixed(v)
        }
        let candidates = try step.plugin.map { [try Model.resolve($0, stage: .denoise, builder: builder)] }
            ?? builder.ranked(.denoise).filter { $0.kind == .model }.map { try Model.of($0, builder: builder) }
        guard !candidates.isEmpty else { throw builder.missing(.denoise, step: step) }
        return DenoiseStage(sigma: sigma, candidates: candidates, explicit: step.plugin != nil)
    }
}
