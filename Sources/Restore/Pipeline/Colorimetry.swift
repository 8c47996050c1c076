import RestoreColor
import RestoreCore

/// How the pipeline decides what an image's colour values mean.
public enum Colorimetry {
    /// The profile that describes `image`: its embedded ICC profile when that parses and fits
    /// the channel count; else the built-in space its format names (DPX); else the profile its
    /// colorimetry describes (PNG chunks, OpenEXR chromaticities: linear light); else `assumed`
    /// (default sRGB: **untagged images are treated as sRGB**). Gray images use the gray
    /// companion of a built-in RGB space. Returns warnings for profiles that were ignored.
    public static func sourceProfile(of image: Image, path: String? = nil,
                                     assumed: ColorProfile? = nil) -> (ColorProfile, [String]) {
        var warnings: [String] = []
        if let icc = image.metadata.iccProfile {
            do {
                let p = try ColorProfile(iccData: icc, path: path)
                if p.colorSpace.channels == image.colorChannels { return (p, warnings) }
                warnings.append("embedded \(p.colorSpace.rawValue) profile '\(p.name)' does not fit a \(image.colorChannels)-channel image; ignored")
            } catch {
                warnings.append("embedded ICC profile ignored: \(error.message)")
            }
        }
        if let name = image.metadata.spaceName, let space = NamedSpace(lenient: name) {
            return (fitting(ColorProfile.named(space), channels: image.colorChannels), warnings)
        }
        if let hints = image.metadata.colorHints, let p = ColorProfile.fromHints(hints) {
            if image.colorChannels == 3 { return (p, warnings) }
            if hints.srgbIntent != nil, let g = p.grayCompanion { return (g, warnings) }
            // Linear light (OpenEXR's Y): linear gray, whatever the primaries.
            if hints.gamma == 1, let g = ColorProfile.named(.linearSRGB).grayCompanion { return (g, warnings) }
        }
        let base = assumed ?? ColorProfile.named(.srgb)
        return (fitting(base, channels: image.colorChannels), warnings)
    }

    /// `profile`, or its gray companion for a 1-channel image when it is a built-in RGB space.
    public static func fitting(_ profile: ColorProfile, channels: Int) -> ColorProfile {
        if channels == 1, profile.colorSpace == .rgb, let g = profile.grayCompanion { return g }
        return profile
    }
}
