#if canImport(Glibc)
import Glibc
#endif

/// Asks the kernel to back a large buffer with transparent huge pages (Linux `madvise` mode):
/// a 4K Float32 frame then takes ~50 page faults instead of ~25,000. No effect on small buffers.
@usableFromInline
func adviseHugePages(_ buffer: UnsafeMutableRawBufferPointer) {
    #if os(Linux)
    let huge = 2 << 20
    guard buffer.count >= 4 * huge, let base = buffer.baseAddress else { return }
    let start = (Int(bitPattern: base) + huge - 1) & ~(huge - 1)
    let end = (Int(bitPattern: base) + buffer.count) & ~(huge - 1)
    if end > start { _ = madvise(UnsafeMutableRawPointer(bitPattern: start), end - start, MADV_HUGEPAGE) }
    #endif
}

/// A decoded image: planar `Float32` samples, channel-major (all of channel 0, then channel 1, …),
/// rows top to bottom, no padding — the NCHW layout a network wants and SIMD-friendly for LUTs.
///
/// - Colour channels come first (1 = gray, 3 = RGB), then an optional alpha plane.
/// - Alpha is **straight** (unassociated): colour values are never multiplied by alpha.
/// - Integer sources map exactly to [0, 1] (`v / 255`, `v / 65535`); float sources keep their
///   values, which may lie outside [0, 1]. The encoding of the colour values is described by
///   `metadata.iccProfile` (or `colorHints`); untagged images are treated as sRGB upstream.
public struct Image: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// 1 (gray) or 3 (RGB).
    public let colorChannels: Int
    /// True when the last plane is a straight alpha plane.
    public let hasAlpha: Bool
    /// `channels * width * height` samples, planar.
    public var samples: [Float]
    public var metadata: ImageMetadata

    /// Colour channels plus alpha (1…4).
    public var channels: Int { colorChannels + (hasAlpha ? 1 : 0) }
    public var planeSize: Int { width * height }

    /// An image whose samples are all zero.
    public init(width: Int, height: Int, colorChannels: Int, hasAlpha: Bool,
                metadata: ImageMetadata = ImageMetadata()) {
        self.init(width: width, height: height, colorChannels: colorChannels, hasAlpha: hasAlpha,
                  samples: [Float](repeating: 0, count: (colorChannels + (hasAlpha ? 1 : 0)) * max(0, width * height)),
                  metadata: metadata)
    }

    /// An image over existing planar samples (`channels * width * height` of them).
    public init(width: Int, height: Int, colorChannels: Int, hasAlpha: Bool, samples: [Float],
                metadata: ImageMetadata = ImageMetadata()) {
        precondition(width > 0 && height > 0, "image dimensions must be positive")
        precondition(colorChannels == 1 || colorChannels == 3, "colour channels must be 1 or 3")
        precondition(samples.count == (colorChannels + (hasAlpha ? 1 : 0)) * width * height,
                     "sample count does not match the dimensions")
        self.width = width
        self.height = height
        self.colorChannels = colorChannels
        self.hasAlpha = hasAlpha
        self.samples = samples
        self.metadata = metadata
    }

    /// An image whose planes are filled by `fill`, which receives a pointer to all planes
    /// (uninitialised memory it must write completely).
    public init(width: Int, height: Int, colorChannels: Int, hasAlpha: Bool,
                metadata: ImageMetadata = ImageMetadata(),
                uninitializedFill fill: (UnsafeMutableBufferPointer<Float>) throws -> Void) rethrows {
        precondition(width > 0 && height > 0, "image dimensions must be positive")
        precondition(colorChannels == 1 || colorChannels == 3, "colour channels must be 1 or 3")
        let count = (colorChannels + (hasAlpha ? 1 : 0)) * width * height
        self.width = width
        self.height = height
        self.colorChannels = colorChannels
        self.hasAlpha = hasAlpha
        self.samples = try [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            adviseHugePages(UnsafeMutableRawBufferPointer(buffer))
            try fill(buffer)
            initialized = count
        }
        self.metadata = metadata
    }

    /// The sample of channel `c` at (`x`, `y`). For tests and tools, not for kernels.
    public subscript(x: Int, y: Int, c: Int) -> Float {
        get { samples[c * planeSize + y * width + x] }
        set { samples[c * planeSize + y * width + x] = newValue }
    }
}
