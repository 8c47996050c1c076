import RestoreColor
import RestoreIO

/// What `restore info` prints about a file: the decoder's header facts plus the ICC profile's
/// description (or the PNG colorimetry that stands in for one).
public struct FileReport: Sendable {
    public var path: String
    public var info: ImageInfo
    /// The ICC profile's description, nil when untagged.
    public var iccDescription: String?
    /// "rgb", "gray", … of the embedded profile.
    public var iccColorSpace: String?

    public init(path: String) throws {
        self.path = path
        self.info = try ImageFiles.inspect(path: path)
        if let icc = info.iccProfile {
            do {
                let p = try ColorProfile(iccData: icc, path: path)
                iccDescription = p.name.isEmpty ? "(unnamed profile)" : p.name
                iccColorSpace = p.colorSpace.rawValue
            } catch {
                iccDescription = "(invalid: \(error.detail))"
            }
        }
    }

    var colorimetryNote: String? {
        guard info.iccProfile == nil, let h = info.colorHints else { return nil }
        if h.srgbIntent != nil { return "sRGB chunk" }
        if info.format == .exr, let c = h.chromaticities {
            let name = ColorProfile.fromHints(h)?.namedSpace?.rawValue
            return "linear light, chromaticities " + c.map { String(format: "%.4g", $0) }.joined(separator: " ") + (name.map { " (\($0))" } ?? "")
        }
        var s: [String] = []
        if let g = h.gamma { s.append("gAMA \(g)") }
        if h.chromaticities != nil { s.append("cHRM") }
        return s.joined(separator: " + ")
    }

    /// Human-readable lines.
    public var text: String {
        var lines: [(String, String)] = [
            ("file", path),
            ("format", info.format.rawValue.uppercased()),
            ("size", "\(info.width) x \(info.height)"),
            ("channels", "\(info.channels)\(info.alpha != .none ? " (alpha: \(info.alpha.rawValue))" : "")"),
            ("samples", "\(info.sampleFormat.bits)-bit \(info.sampleFormat.kind)"),
            ("compression", info.compression),
            ("layout", info.layout.joined(separator: ", ")),
        ]
        if let dpi = info.resolution?.dpi {
            lines.append(("resolution", "\(fmt(dpi.x)) x \(fmt(dpi.y)) dpi"))
        }
        if let d = iccDescription {
            lines.append(("icc", "\(d) (\(info.iccProfile?.count ?? 0) bytes\(iccColorSpace.map { ", \($0)" } ?? ""))"))
        } else if let note = colorimetryNote {
            lines.append(("icc", "none (\(note))"))
        } else {
            lines.append(("icc", "none (treated as sRGB)"))
        }
        lines.append(("exif", info.hasExif ? "yes" : "no"))
        let width = lines.map(\.0.count).max() ?? 0
        return lines.map { $0.0 + String(repeating: " ", count: width - $0.0.count) + "  " + $0.1 }.joined(separator: "\n")
    }

    /// One JSON object. Keys: path, format, width, height, channels, bits, sample_format,
    /// has_alpha, alpha, compression, planar, tiled, interlaced, dpi, icc, icc_bytes,
    /// icc_color_space, colorimetry, exif.
    public var json: String {
        var w = JSONObjectWriter()
        w.add("path", .string(path))
        w.add("format", .string(info.format.rawValue))
        w.add("width", .int(info.width))
        w.add("height", .int(info.height))
        w.add("channels", .int(info.channels))
        w.add("bits", .int(info.sampleFormat.bits))
        w.add("sample_format", .string(info.sampleFormat.kind))
        w.add("has_alpha", .bool(info.alpha != .none))
        w.add("alpha", .string(info.alpha.rawValue))
        w.add("compression", .string(info.compression))
        w.add("planar", .bool(info.layout.contains("planar")))
        w.add("tiled", .bool(info.layout.contains { $0.hasPrefix("tiled") }))
        w.add("interlaced", .bool(info.layout.contains("interlaced")))
        if let dpi = info.resolution?.dpi { w.add("dpi", .array([.double(dpi.x), .double(dpi.y)])) } else { w.add("dpi", .null) }
        w.add("icc", iccDescription.map { .string($0) } ?? .null)
        w.add("icc_bytes", .int(info.iccProfile?.count ?? 0))
        w.add("icc_color_space", iccColorSpace.map { .string($0) } ?? .null)
        w.add("colorimetry", colorimetryNote.map { .string($0) } ?? .null)
        w.add("exif", .bool(info.hasExif))
        return w.text
    }

    private func fmt(_ v: Double) -> String {
        v == v.rounded() ? String(Int(v)) : String((v * 100).rounded() / 100)
    }
}
