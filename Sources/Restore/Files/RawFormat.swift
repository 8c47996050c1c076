import Foundation
import RestoreCore

/// Raw video frames on a pipe, as ffmpeg's `-f rawvideo` reads and writes them:
/// `WxH:FMT`, FMT named exactly as ffmpeg's pixel formats.
///
/// | FMT | layout | samples |
/// |---|---|---|
/// | `rgb24` | interleaved RGB | 8-bit |
/// | `rgb48le` | interleaved RGB | 16-bit LE |
/// | `rgba64le` | interleaved RGBA | 16-bit LE |
/// | `rgbf32le` | interleaved RGB | float32 LE |
/// | `gbrp10le`, `gbrp12le`, `gbrp16le` | planes G, B, R | 10/12/16 bits in 16-bit LE words |
/// | `gbrpf32le` | planes G, B, R | float32 LE |
/// | `gbrapf32le` | planes G, B, R, A | float32 LE |
///
/// Integer samples map to 0…1 by their maximum code (1023, 4095, 65535, 255); float samples
/// are taken as they are (scene-linear values above 1 survive). What is checked: a 10/12-bit
/// sample above its maximum (rgb48le data given as gbrp10le), a frame that ends early. What
/// cannot be: two layouts of the same size (rgbf32le and gbrpf32le data, rgb48le and
/// gbrp16le) are indistinguishable byte streams; the frame size must be right.
public struct RawFormat: Sendable, Equatable, CustomStringConvertible {
    public enum Sample: String, Sendable, CaseIterable {
        case rgb24, rgb48le, rgba64le, rgbf32le, gbrp10le, gbrp12le, gbrp16le, gbrpf32le, gbrapf32le
    }
    public var width: Int, height: Int, sample: Sample

    /// Parses `3840x2160:rgb48le`.
    public init(_ spec: String) throws {
        let parts = spec.split(separator: ":")
        let dims = parts.first?.split(separator: "x") ?? []
        let names = Sample.allCases.map(\.rawValue).joined(separator: "|")
        guard parts.count == 2, dims.count == 2, dims.allSatisfy({ $0.count <= 6 }), let w = Int(dims[0]), let h = Int(dims[1]), w > 0, h > 0,
              let s = Sample(rawValue: String(parts[1])) else {
            throw OptionError("--raw expects WIDTHxHEIGHT:\(names) (got '\(spec)')")
        }
        try self.init(width: w, height: h, sample: s)
    }

    public init(width w: Int, height h: Int, sample s: Sample) throws {
        guard w <= 1 << 16, h <= 1 << 16, w * h <= 1 << 28 else {
            throw OptionError("--raw frame \(w)x\(h) is larger than restore's limit (65536 per side, 2^28 pixels)")
        }
        width = w; height = h; sample = s
    }

    public var description: String { "\(width)x\(height):\(sample.rawValue)" }
    public var channels: Int { sample == .rgba64le || sample == .gbrapf32le ? 4 : 3 }
    public var planar: Bool { sample.rawValue.hasPrefix("gbr") }
    public var isFloat: Bool { sample.rawValue.contains("f32") }
    public var bytesPerSample: Int { sample == .rgb24 ? 1 : isFloat ? 4 : 2 }
    /// The largest integer code (0 for float formats).
    public var maxCode: Int {
        switch sample {
        case .rgb24: return 255
        case .gbrp10le: return 1023
        case .gbrp12le: return 4095
        case .rgb48le, .rgba64le, .gbrp16le: return 65535
        default: return 0
        }
    }
    public var frameBytes: Int { width * height * channels * bytesPerSample }

    /// The same layout at another size (an upscaled output).
    func resized(by scale: Int) throws -> RawFormat { try RawFormat(width: width * scale, height: height * scale, sample: sample) }

    /// Decodes one frame into a planar float image; throws on a 10/12-bit code over range.
    func decode(_ bytes: UnsafePointer<UInt8>, frame: Int, threads: Int) throws -> Image {
        let n = width * height, ch = channels, maxCode = self.maxCode, planar = self.planar, size = bytesPerSample
        let over = AtomicFlag()
        let image = Image(width: width, height: height, colorChannels: 3, hasAlpha: ch == 4,
                          metadata: ImageMetadata(sampleFormat: isFloat ? .float(bits: 32) : .unsigned(bits: size * 8),
                                                  alpha: ch == 4 ? .straight : .none)) { out in
            let o = SendablePointer(out.baseAddress!), src = SendableRawPointer(UnsafeRawPointer(bytes))
            let k = maxCode > 0 ? 1 / Float(maxCode) : 1
            parallelChunks(height, grain: Swift.max(1, (1 << 14) / width), threads: threads) { rows in
                let first = rows.lowerBound * width, count = rows.count * width
                var top = 0
                for c in 0..<ch {
                    let dst = o.base + Self.imagePlane(c, planar: planar) * n + first
                    // Sample i of this chunk and channel is at base[i * stride].
                    let start = planar ? c * n + first : first * ch + c, stride = planar ? 1 : ch
                    switch size {
                    case 1:
                        let p = src.base.assumingMemoryBound(to: UInt8.self) + start
                        for i in 0..<count { dst[i] = Float(p[i * stride]) * k }
                    case 2:
                        let p = src.base.assumingMemoryBound(to: UInt16.self) + start
                        for i in 0..<count { let v = UInt16(littleEndian: p[i * stride]); top = Swift.max(top, Int(v)); dst[i] = Float(v) * k }
                    default:
                        let p = src.base.assumingMemoryBound(to: UInt32.self) + start
                        for i in 0..<count { dst[i] = Float(bitPattern: UInt32(littleEndian: p[i * stride])) }
                    }
                }
                if top > maxCode && size == 2 { over.set() }
            }
        }
        if over.isSet {
            throw StreamError(message: "frame \(frame) has a sample above \(maxCode), the largest \(sample.rawValue) code: is the data another layout (rgb48le, gbrp16le)?",
                              category: .inputUnreadable)
        }
        return image
    }

    /// Encodes `image` (this format's size and channels) into `bytes`.
    func encode(_ image: Image, into bytes: UnsafeMutablePointer<UInt8>, threads: Int) {
        let n = width * height, ch = channels, scale = Float(maxCode), planar = self.planar, size = bytesPerSample
        let dst = SendablePointer(bytes)
        image.samples.withUnsafeBufferPointer { s in
            let src = SendablePointer(UnsafeMutablePointer(mutating: s.baseAddress!))
            parallelChunks(height, grain: Swift.max(1, (1 << 14) / width), threads: threads) { rows in
                let first = rows.lowerBound * width, count = rows.count * width
                let raw = UnsafeMutableRawPointer(dst.base)
                for c in 0..<ch {
                    let plane = src.base + Self.imagePlane(c, planar: planar) * n + first
                    let start = planar ? c * n + first : first * ch + c, stride = planar ? 1 : ch
                    switch size {
                    case 1:
                        let p = raw.assumingMemoryBound(to: UInt8.self) + start
                        for i in 0..<count { p[i * stride] = Quantize.to8(plane[i]) }
                    case 2:
                        let p = raw.assumingMemoryBound(to: UInt16.self) + start
                        for i in 0..<count {
                            let v = plane[i]
                            p[i * stride] = (v.isNaN ? 0 : UInt16(Swift.min(Swift.max(v, 0), 1) * scale + 0.5)).littleEndian
                        }
                    default:
                        let p = raw.assumingMemoryBound(to: UInt32.self) + start
                        for i in 0..<count { p[i * stride] = plane[i].bitPattern.littleEndian }
                    }
                }
            }
        }
    }

    /// Plane of stored channel `k` in `Image` order (R, G, B, A): gbrp stores G, B, R.
    static func imagePlane(_ k: Int, planar: Bool) -> Int { planar && k < 3 ? (k + 1) % 3 : k }
}

/// A pointer that may cross into parallel chunks (each chunk touches its own rows).
struct SendableRawPointer: @unchecked Sendable { let base: UnsafeRawPointer; init(_ p: UnsafeRawPointer) { base = p } }

/// Set from any thread, read after the work.
final class AtomicFlag: @unchecked Sendable {
    private var value = false
    private let lock = NSLock()
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
