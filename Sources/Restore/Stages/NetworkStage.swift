import RestoreColor
import RestoreCore
import RestorePlugins

/// A network run as a stage (upscale, or a model plugin serving grade or filter): tiled, in
/// the encoding the network was trained on, resampled to `scale` when it differs from the
/// network's own factor.
struct NetworkStage: Stage {
    let kind: String
    let model: Model
    /// Output scale; nil keeps the network's own.
    let scale: Int?
    var label: String { "\(kind) (\(model.label))" }

    func encoding(channels: Int) -> ColorProfile? { Colorimetry.fitting(model.encoding, channels: channels) }

    func geometry() throws -> StageGeometry {
        var g = try model.geometry()
        if let scale { g.scale = scale }
        return g
    }

    func apply(to image: inout Image, context: StageContext) throws -> [String] {
        try model.run(on: &image, scale: scale, label: label, context: context)
        return []
    }

    /// `upscale: {scale: 1…8, plugin: ID|PATH}`. Without a plugin, the preferred upscaler of
    /// exactly that factor, else the smallest larger one, else the preferred one.
    static let upscaleKind = StageKind(nickname: .upscale) { step, builder in
        let scale = try StepSettings(step, known: ["scale"]).integer("scale", in: 1...8)
        let model: Model
        if let p = step.plugin { model = try Model.resolve(p, stage: .upscale, builder: builder) }
        else {
            let want = scale ?? 2
            let all = builder.ranked(.upscale).filter { $0.kind == .model }
            guard let best = all.first(where: { $0.scale == want }) ?? all.filter({ $0.scale > want }).min(by: { $0.scale < $1.scale }) ?? all.first
            else { throw builder.missing(.upscale, step: step) }
            model = try Model.of(best, builder: builder)
        }
        return NetworkStage(kind: "upscale", model: model, scale: scale)
    }
}
