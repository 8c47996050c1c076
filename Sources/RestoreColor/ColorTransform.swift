import CLCMS2
import CRestoreShims
import RestoreCore

/// ICC rendering intents.
public enum RenderingIntent: String, Sendable, CaseIterable {
    case perceptual, relative, saturation, absolute

    var lcms: UInt32 {
        switch self {
        case .perceptual: return UInt32(INTENT_PERCEPTUAL)
        case .relative: return UInt32(INTENT_RELATIVE_COLORIMETRIC)
        case .saturation: return UInt32(INTENT_SATURATION)
        case .absolute: return UInt32(INTENT_ABSOLUTE_COLORIMETRIC)
        }
    }
}

/// A compiled lcms2 transform between two profiles on planar Float32 samples. Created once
/// (float pipeline, `cmsFLAGS_NOCACHE`) and shared by all threads; immutable.
///
/// Samples are in lcms2's float encoding for RGB and gray: 0…1 nominal; matrix-shaper
/// profiles pass values outside that range through unclipped (useful for float TIFFs). On the
/// matrix-shaper fast path a NaN sample is read as 0 and ±inf is evaluated exactly; no value
/// reads outside the tables (tested).
public final class ColorTransform: @unchecked Sendable {
    private let handle: cmsHTRANSFORM
    private let context: cmsContext
    private let errors: UnsafeMutablePointer<rs_lcms_errors>
    public let source: ColorProfile
    public let destination: ColorProfile
    public let intent: RenderingIntent
    public let blackPointCompensation: Bool
    private let fast: MatrixShaper?

    /// Builds the transform. Both profiles must be RGB or gray.
    public init(from source: ColorProfile, to destination: ColorProfile, intent: RenderingIntent = .perceptual,
                blackPointCompensation: Bool = false) throws(ColorError) {
        for p in [source, destination] where p.colorSpace != .rgb && p.colorSpace != .gray {
            throw ColorError(reason: .mismatch,
                             detail: "'\(p.name)' is a \(p.colorSpace.rawValue) profile; restore converts RGB and gray images")
        }
        let errors = UnsafeMutablePointer<rs_lcms_errors>.allocate(capacity: 1)
        errors.initialize(to: rs_lcms_errors())
        guard let ctx = rs_lcms_context(errors) else {
            errors.deallocate()
            throw ColorError(reason: .transformFailed, detail: "cannot create an lcms2 context")
        }
        let inFmt = source.colorSpace == .rgb ? rs_TYPE_RGB_FLT_PLANAR : rs_TYPE_GRAY_FLT_PLANAR
        let outFmt = destination.colorSpace == .rgb ? rs_TYPE_RGB_FLT_PLANAR : rs_TYPE_GRAY_FLT_PLANAR
        var flags = UInt32(cmsFLAGS_NOCACHE)
        if blackPointCompensation { flags |= UInt32(cmsFLAGS_BLACKPOINTCOMPENSATION) }
        guard let h = cmsCreateTransformTHR(ctx, source.handle, inFmt, destination.handle, outFmt, intent.lcms, flags) else {
            let text = ColorProfile.text(errors)
            cmsDeleteContext(ctx)
            errors.deallocate()
            throw ColorError(reason: .transformFailed,
                             detail: "'\(source.name)' → '\(destination.name)': \(text.isEmpty ? "lcms2 refused" : text)")
        }
        self.handle = h
        self.context = ctx
        self.errors = errors
        self.source = source
        self.destination = destination
        self.intent = intent
        self.blackPointCompensation = blackPointCompensation
        self.fast = (intent == .absolute || blackPointCompensation) ? nil
            : MatrixShaper(source: source, destination: destination)
    }

    /// True when the tabulated matrix/TRC path runs instead of lcms2's per-pixel pipeline.
    public var usesMatrixShaperPath: Bool { fast != nil }

    deinit {
        fast?.release()
        cmsDeleteTransform(handle)
        cmsDeleteContext(context)
        errors.deallocate()
    }

    /// Channels the transform reads and writes (1 or 3).
    public var inputChannels: Int { source.colorSpace.channels }
    public var outputChannels: Int { destination.colorSpace.channels }

    /// Transforms `count` pixels of planar data. `input`/`output` point at the first pixel of
    /// plane 0; planes are `inputPlaneStride`/`outputPlaneStride` floats apart. Input and
    /// output may be the same memory when the channel counts match.
    public func transform(_ input: UnsafePointer<Float>, inputPlaneStride: Int,
                          _ output: UnsafeMutablePointer<Float>, outputPlaneStride: Int, count: Int) {
        if source.scene != nil || destination.scene != nil {
            sceneTransform(input, inputPlaneStride: inputPlaneStride, output, outputPlaneStride: outputPlaneStride, count: count)
            return
        }
        profileTransform(input, inputPlaneStride: inputPlaneStride, output, outputPlaneStride: outputPlaneStride, count: count)
    }

    /// lcms2 (through the fast path where it applies) between the two profiles' ICC forms.
    private func profileTransform(_ input: UnsafePointer<Float>, inputPlaneStride: Int,
                                  _ output: UnsafeMutablePointer<Float>, outputPlaneStride: Int, count: Int) {
        if let fast {
            fast.run(input, inputStride: inputPlaneStride, output, outputStride: outputPlaneStride, count: count)
            return
        }
        exactTransform(input, inputPlaneStride: inputPlaneStride, output, outputPlaneStride: outputPlaneStride, count: count)
    }

    /// A log source decodes to ACES2065-1 linear light (gray: the curve only) before lcms2; a
    /// log destination encodes from it after. Blocks of 2048 pixels through a scratch buffer,
    /// so `input` and `output` may alias.
    private func sceneTransform(_ input: UnsafePointer<Float>, inputPlaneStride: Int,
                                _ output: UnsafeMutablePointer<Float>, outputPlaneStride: Int, count: Int) {
        let block = 2048
        let inCC = inputChannels, outCC = outputChannels
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 3 * block) { scratch in
            let tmp = scratch.baseAddress!
            var start = 0
            while start < count {
                let n = Swift.min(block, count - start)
                let src = input + start, dst = output + start
                if let pre = source.scene {
                    if inCC == 3 { pre.toLinearACES(src, stride: inputPlaneStride, tmp, dstStride: block, count: n) }
                    else { pre.curve.decode(src, tmp, count: n) }
                    profileTransform(tmp, inputPlaneStride: block, dst, outputPlaneStride: outputPlaneStride, count: n)
                } else {
                    profileTransform(src, inputPlaneStride: inputPlaneStride, dst, outputPlaneStride: outputPlaneStride, count: n)
                }
                if let post = destination.scene {
                    if outCC == 3 { post.fromLinearACES(dst, stride: outputPlaneStride, count: n) }
                    else { post.curve.encode(dst, count: n) }
                }
                start += n
            }
        }
    }

    /// lcms2's own float pipeline, always (the reference the fast path is tested against).
    public func exactTransform(_ input: UnsafePointer<Float>, inputPlaneStride: Int,
                               _ output: UnsafeMutablePointer<Float>, outputPlaneStride: Int, count: Int) {
        cmsDoTransformLineStride(handle, input, output, UInt32(count), 1, UInt32(count * 4), UInt32(count * 4),
                                 UInt32(inputPlaneStride * 4), UInt32(outputPlaneStride * 4))
    }

    /// Converts `image` in place when the channel count stays the same (no copy of the
    /// samples); otherwise replaces it with the converted image. Alpha is kept. Only pixels
    /// change: the metadata (ICC bytes, PNG hints) is the caller's to decide, once, for the
    /// output (the pipeline does so at its end).
    public func apply(_ image: inout Image, threads: Int = Parallelism.defaultThreads) throws(ColorError) {
        guard image.colorChannels == inputChannels else {
            throw ColorError(reason: .mismatch,
                             detail: "'\(source.name)' is \(source.colorSpace.rawValue) but the image has \(image.colorChannels) colour channel(s)")
        }
        let n = image.planeSize
        let outCC = outputChannels
        let grain = 1 << 14
        if outCC == image.colorChannels {
            image.samples.withUnsafeMutableBufferPointer { buf in
                let p = SendablePointer(buf.baseAddress!)
                parallelChunks(n, grain: grain, threads: threads) { r in
                    let at = p.base + r.lowerBound
                    self.transform(at, inputPlaneStride: n, at, outputPlaneStride: n, count: r.count)
                }
            }
            return
        }
        let source = image
        image = source.samples.withUnsafeBufferPointer { sbuf in
            let s = SendableConstPointer(sbuf.baseAddress!)
            return Image(width: source.width, height: source.height, colorChannels: outCC, hasAlpha: source.hasAlpha,
                         metadata: source.metadata) { dbuf in
                let d = SendablePointer(dbuf.baseAddress!)
                parallelChunks(n, grain: grain, threads: threads) { r in
                    self.transform(s.base + r.lowerBound, inputPlaneStride: n, d.base + r.lowerBound,
                                   outputPlaneStride: n, count: r.count)
                }
                if source.hasAlpha {
                    (d.base + outCC * n).update(from: s.base + source.colorChannels * n, count: n)
                }
            }
        }
    }

    /// The image converted (a copy; see `apply(_:threads:)` to convert in place).
    public func apply(to image: Image, threads: Int = Parallelism.defaultThreads) throws(ColorError) -> Image {
        var out = image
        try apply(&out, threads: threads)
        return out
    }
}
