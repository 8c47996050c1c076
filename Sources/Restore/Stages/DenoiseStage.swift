import Foundation
import RestoreColor
import RestoreCore
import RestoreNN
import RestorePlugins

/// Denoising, decided per image (or per shot): the noise is estimated (`auto`) or given, then
/// the plugin is chosen and told it. A non-blind model gets it as noise-level planes: a noise
/// map per channel that follows brightness (`NoiseProfile`) when the network takes three
/// planes, one σ plane when it takes one. Fixed-strength models are picked by their
/// `noise_range`. An estimated image that is clean (`NoiseProfile.isClean`), or cleaner than
/// every range, is left alone, so a clean photo costs only its I/O and the estimate.
struct DenoiseStage: Stage {
    enum Sigma: Sendable, Equatable { case auto, fixed(Double) }
    let sigma: Sigma
    /// Multiplies the noise level or map the network is given, 0…4: below 1 keeps more grain,
    /// above 1 removes more (a colourist's control).
    let strength: Double
    /// The plugin asked for, or every denoise plugin by preference (never empty).
    let candidates: [Model]
    let explicit: Bool

    var kind: String { "denoise" }
    var label: String { explicit ? "denoise (\(candidates[0].label))" : "denoise" }

    /// The preferred candidate's encoding (every shipped and published denoiser is sRGB).
    func encoding(channels: Int) -> ColorProfile? { Colorimetry.fitting(candidates[0].encoding, channels: channels) }

    func geometry() throws -> StageGeometry { StageGeometry(scale: 1, halo: try candidates[0].geometry().halo) }
    /// 1 without loading the network: a denoiser's result is brought to the input's size, and
    /// an image the estimate finds clean never loads it.
    func scale() -> Int { 1 }

    func apply(to image: inout Image, context: StageContext) throws -> [String] {
        var profile: NoiseProfile? = nil, from = ""
        if sigma == .auto {
            let p: NoiseProfile
            if let d = context.decision, let shot = NoiseProfile(table: d.table) {
                p = shot; from = " (the shot's, from \(d.samples) frame\(d.samples == 1 ? "" : "s"))"
            } else { p = NoiseProfile.estimate(of: image, threads: context.threads) }
            if p.isClean { return ["denoise: \(p.summary)\(from): clean (every channel below σ \(NoiseProfile.cleanBelow)), not denoised"] }
            profile = p
        }
        let strengthNote = strength == 1 ? "" : ", strength \(strength)"
        /// The one σ (8-bit levels) for models without a map, and its note.
        func scalar() -> (Double, String) {
            switch sigma {
            case .fixed(let v): return (v * strength, "σ \((v * strength * 10).rounded() / 10)\(strengthNote)")
            case .auto:
                let s = (context.decision?.values["sigma"] ?? NoiseEstimate.sigma(of: image)) * strength
                return (s, "σ ≈ \((s * 10).rounded() / 10)\(from)\(strengthNote)")
            }
        }
        if let nb = candidates.first(where: { $0.manifest?.parameters.contains { $0.name == "sigma" } == true }) {
            let range = nb.manifest!.parameters.first { $0.name == "sigma" }!.range ?? 0...255
            let planes = try nb.extraPlaneCount()
            let label = "denoise (\(nb.label))"
            if let profile, planes > 1 {
                let map = profile.scaled(by: strength)
                try nb.run(on: &image, extraPlanes: { map.planes(count: planes, peak: $0) }, scale: 1, label: label, context: context)
                return ["denoise: \(profile.summary)\(from)\(strengthNote): \(nb.label)"]
            }
            let (s, shown) = scalar()
            let level = Float(Swift.min(Swift.max(s, range.lowerBound), range.upperBound) / 255)
            try nb.run(on: &image, extraPlanes: { peak in .constant(.init(repeating: level / peak, count: planes)) }, scale: 1,
                       label: label, context: context)
            return ["denoise: \(shown): \(nb.label)"]
        }
        let (s, shown) = scalar()
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

    /// An estimated noise is decided once per shot: entry by entry, the median of the samples'
    /// profiles, and the median of their σ (for models that take one).
    func decide(samples: [Image]) -> ShotDecision? {
        guard sigma == .auto, !samples.isEmpty else { return nil }
        let sigmas = samples.map { NoiseEstimate.sigma(of: $0) }.sorted()
        let n = sigmas.count
        let median = n % 2 == 1 ? sigmas[n / 2] : (sigmas[n / 2 - 1] + sigmas[n / 2]) / 2
        let profile = NoiseProfile.median(of: samples.map { NoiseProfile.estimate(of: $0) })
        return ShotDecision(values: ["sigma": median], table: profile.table, samples: n)
    }

    /// `denoise: {sigma: auto | 0…75, strength: 0…4, plugin: ID|PATH}`.
    static let kind = StageKind(nickname: .denoise) { step, builder in
        let settings = try StepSettings(step, known: ["sigma", "strength"])
        let sigma: Sigma
        if settings.string("sigma") ?? "auto" == "auto" { sigma = .auto }
        else {
            guard let v = try? settings.number("sigma", in: 0...75) else {
                throw settings.fail("'sigma' must be auto or a noise σ in 8-bit levels from 0 to 75, got '\(settings.string("sigma")!)'")
            }
            sigma = .fixed(v)
        }
        let strength = try settings.number("strength", in: 0...4) ?? 1
        let candidates = try step.plugin.map { [try Model.resolve($0, stage: .denoise, builder: builder)] }
            ?? builder.ranked(.denoise).filter { $0.kind == .model }.map { try Model.of($0, builder: builder) }
        guard !candidates.isEmpty else { throw builder.missing(.denoise, step: step) }
        return DenoiseStage(sigma: sigma, strength: strength, candidates: candidates, explicit: step.plugin != nil)
    }
}
