/// One stage of a pipeline, as a preset, a flag or a library caller asks for it: the stage's
/// nickname (`denoise`, `upscale`, `grade`, `lut`, `filter`, the same names a config and a
/// plugin manifest use), the plugin that serves it (nil: the registry's choice) and its
/// settings as text. Settings are checked by `Pipeline.plan`, the same way whether they came
/// from a flag or a config.
public struct Step: Sendable, Equatable {
    public var stage: String
    public var plugin: String?
    public var settings: [String: String]

    public init(stage: String, plugin: String? = nil, settings: [String: String] = [:]) {
        self.stage = stage; self.plugin = plugin; self.settings = settings
    }

    /// Denoising: `sigma` is `auto` (a noise map estimated per image or shot; a clean image is
    /// left alone) or a noise σ in 8-bit levels, 0…75. `strength` (0…4) multiplies the noise
    /// level the network is given. `model` is a plugin id or a model file (nil: the preferred
    /// denoise plugin).
    public static func denoise(sigma: String = "auto", strength: Double = 1, model: String? = nil) -> Step {
        var s = ["sigma": sigma]
        if strength != 1 { s["strength"] = String(strength) }
        return Step(stage: "denoise", plugin: model, settings: s)
    }

    /// Upscaling by an integer `scale` 1…8 (nil: the model's own factor). A model of another
    /// factor is resampled to `scale` with Lanczos-3.
    public static func upscale(scale: Int? = nil, model: String? = nil) -> Step {
        Step(stage: "upscale", plugin: model, settings: scale.map { ["scale": String($0)] } ?? [:])
    }

    /// A LUT file (.cube, .3dl, .spi1d, .spi3d, .csp, .clf, .ctf, .cc, .ccc, .cdl, Hald image). `space` is the space it
    /// was built for (nil: applied to the values as they are); `strength` 0…1 blends with
    /// the input.
    public static func lut(_ file: String, space: String? = nil, interpolation: LUTInterpolation = .tetrahedral,
                           strength: Double = 1) -> Step {
        var s = ["file": file, "interp": interpolation.rawValue, "strength": String(strength)]
        s["space"] = space
        return Step(stage: "lut", settings: s)
    }

    /// Colour grading as one global 3D LUT (restore-grade): `match` nil restores the image's
    /// colour (exposure, white balance, fades, casts); a reference image makes it match that
    /// image's look. `strength` 0…1 blends with the identity in LUT space; `lutSize` 17…65 is
    /// the cube applied and exported; `space` is the space the LUT applies in (default sRGB);
    /// `export` writes the LUT applied (.cube, .3dl, .spi3d, .csp, .clf, .ctf).
    public static func grade(match reference: String? = nil, strength: Double = 1, lutSize: Int = 33, space: String? = nil,
                             export: String? = nil, plugin: String? = nil) -> Step {
        var s = ["mode": reference == nil ? "auto" : "match", "strength": String(strength), "lut_size": String(lutSize)]
        s["reference"] = reference
        s["space"] = space
        s["export"] = export
        return Step(stage: "grade", plugin: plugin, settings: s)
    }
}
