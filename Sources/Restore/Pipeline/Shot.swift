import RestoreColor
import RestoreCore
import RestoreIO

/// The parameters a plan's stages decided once for a shot (a clip, or a part of one between
/// cuts), from frames sampled across it, so every frame of the shot gets the same σ.
public struct Shot: Sendable, Equatable {
    /// By stage index: what that stage decided (nil: nothing).
    public let decisions: [ShotDecision?]
    /// The frames the decisions came from.
    public let samples: [String]
}

extension Plan {
    /// Whether any stage decides per shot (an estimated σ); only then is a shot analysed.
    public var decidesPerShot: Bool { stages.contains { $0.decidesPerShot } }

    /// Decides the shot's parameters from `samples` (image paths, typically a few frames
    /// spread over the shot). Frames that cannot be read are left out; nil when none can be
    /// or no stage decides anything. Samples pass through the stages before the last deciding
    /// one, as they would in a run.
    public func analyzeShot(samples: [String], threads: Int? = nil) -> Shot? {
        let settings = RunSettings(threads: threads ?? request.threads, cancellation: Cancellation(), progress: nil)
        guard let last = stages.lastIndex(where: { $0.decidesPerShot }) else { return nil }
        var images: [(image: Image, current: ColorProfile, source: ColorProfile)] = []
        var used: [String] = []
        for path in samples {
            guard let image = try? ImageFiles.read(path: path, limits: limits, threads: settings.threads) else { continue }
            let source = Colorimetry.sourceProfile(of: image, path: path, assumed: assumed).0
            images.append((image, source, source))
            used.append(path)
        }
        return analyze(&images, upTo: last, settings: settings).map { Shot(decisions: $0, samples: used) }
    }

    /// Decisions of stages `0...last` from `images` (each with its current and source profile).
    func analyze(_ images: inout [(image: Image, current: ColorProfile, source: ColorProfile)], upTo last: Int,
                 settings: RunSettings) -> [ShotDecision?]? {
        guard !images.isEmpty else { return nil }
        var decisions = [ShotDecision?](repeating: nil, count: stages.count)
        var scratch = ItemReport(input: "", output: "")
        do {
            for i in 0...last {
                for k in images.indices {
                    var (image, current, source) = images[k]
                    try prepare(&image, current: &current, source: source, for: i, settings: settings, report: &scratch)
                    images[k] = (image, current, source)
                }
                decisions[i] = stages[i].decide(samples: images.map(\.image))
                if i < last {
                    var s = settings
                    s.shot = Shot(decisions: decisions, samples: [])
                    for k in images.indices { _ = try stages[i].apply(to: &images[k].image, context: context(for: i, settings: s)) }
                }
            }
        } catch { return nil }
        return decisions
    }
}
