#if canImport(Glibc)
import Glibc
#endif

/// Raw RGB frames on a pipe (for ffmpeg `-f rawvideo`): `WxH:rgb48le|rgbf32le|rgb24`.
public struct RawFormat: Sendable, Equatable {
    public enum Sample: String, Sendable { case rgb24, rgb48le, rgbf32le }
    public var width: Int, height: Int, sample: Sample

    /// Parses `3840x2160:rgb48le`.
    public init(_ spec: String) throws {
        let parts = spec.split(separator: ":")
        let dims = parts.first?.split(separator: "x") ?? []
        guard parts.count == 2, dims.count == 2, let w = Int(dims[0]), let h = Int(dims[1]), w > 0, h > 0,
              let s = Sample(rawValue: String(parts[1])) else {
            throw OptionError("--raw expects WIDTHxHEIGHT:rgb48le|rgbf32le|rgb24 (got '\(spec)')")
        }
        width = w; height = h; sample = s
    }
    public var bytesPerSample: Int { sample == .rgb24 ? 1 : sample == .rgb48le ? 2 : 4 }
    public var frameBytes: Int { width * height * 3 * bytesPerSample }
}

/// A short or unreadable frame, or a write failure, on a raw stream.
public struct StreamError: RestoreError {
    public var path: String? { "-" }
    public var message: String
    public var category: ErrorCategory
}

/// Streams raw frames from `input` to `output` through a LUT until end of input. Memory stays
/// at one frame in and out; each frame is cut into row bands processed on all threads, each
/// band converting its samples to float in a small scratch buffer (no float frame).
/// A frame that ends early is an error naming its number (1-based). Returns the frame count.
@discardableResult
public func streamRawFrames(_ processor: LUTProcessor, format: RawFormat, input: Int32 = 0, output: Int32 = 1,
                            strength: Float = 1, threads: Int = Parallelism.defaultThreads) throws -> Int {
    let frameBytes = format.frameBytes
    let frame = UnsafeMutableRawPointer.allocate(byteCount: frameBytes, alignment: 64)
    defer { frame.deallocate() }
    let w = format.width, h = format.height
    var count = 0
    while true {
        var got = 0
        while got < frameBytes {
            let n = read(input, frame + got, frameBytes - got)
            if n < 0 {
                if errno == EINTR { continue }
                throw StreamError(message: "reading frame \(count + 1): \(String(cString: strerror(errno)))", category: .inputUnreadable)
            }
            if n == 0 { break }
            got += n
        }
        if got == 0 { return count }
        if got < frameBytes {
            throw StreamError(message: "frame \(count + 1) is short: \(got) of \(frameBytes) bytes (is --raw \(w)x\(h):\(format.sample.rawValue) right?)",
                              category: .inputUnreadable)
        }
        count += 1
        let base = SendablePointer(frame.assumingMemoryBound(to: UInt8.self))
        let sample = format.sample
        parallelChunks(h, grain: Swift.max(1, (1 << 14) / w), threads: threads) { rows in
            let n = 3 * rows.count * w
            let start = rows.lowerBound * w * 3
            withUnsafeTemporaryAllocation(of: Float.self, capacity: strength == 1 ? n : 2 * n) { tmp in
                let t = tmp.baseAddress!
                switch sample {
                case .rgb48le:
                    let p = UnsafeMutableRawPointer(base.base).assumingMemoryBound(to: UInt16.self) + start
                    for i in 0..<n { t[i] = Float(UInt16(littleEndian: p[i])) / 65535 }
                    RawKernel.apply(processor, t, count: n, strength: strength)
                    for i in 0..<n { p[i] = Quantize.to16(t[i]).littleEndian }
                case .rgb24:
                    let p = base.base + start
                    for i in 0..<n { t[i] = Float(p[i]) / 255 }
                    RawKernel.apply(processor, t, count: n, strength: strength)
                    for i in 0..<n { p[i] = Quantize.to8(t[i]) }
                case .rgbf32le:
                    let p = UnsafeMutableRawPointer(base.base).assumingMemoryBound(to: Float.self) + start
                    t.update(from: p, count: n)
                    RawKernel.apply(processor, t, count: n, strength: strength)
                    p.update(from: t, count: n)
                }
            }
        }
        var sent = 0
        while sent < frameBytes {
            let n = write(output, frame + sent, frameBytes - sent)
            if n < 0 {
                if errno == EINTR { continue }
                throw StreamError(message: "writing frame \(count): \(String(cString: strerror(errno)))", category: .outputUnwritable)
            }
            sent += n
        }
    }
}

enum RawKernel {
    /// Applies the LUT to `count` interleaved samples at `t`; with strength < 1 the space after
    /// them (another `count` floats) keeps the originals for the blend.
    static func apply(_ p: LUTProcessor, _ t: UnsafeMutablePointer<Float>, count: Int, strength: Float) {
        if strength != 1 { (t + count).update(from: t, count: count) }
        p.apply(t, t + 1, t + 2, stride: 3, count: count / 3)
        if strength != 1 {
            let o = t + count
            for i in 0..<count { t[i] = o[i] + strength * (t[i] - o[i]) }
        }
    }
}
