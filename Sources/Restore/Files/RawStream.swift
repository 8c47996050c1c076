#if canImport(Glibc)
import Glibc
#endif
import RestoreCore
import RestoreLUT

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
        guard w <= 1 << 16, h <= 1 << 16, w * h <= 1 << 28 else {
            throw OptionError("--raw frame \(w)x\(h) is larger than restore's limit (65536 per side, 2^28 pixels)")
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

extension Plan {
    /// Streams raw frames (`spec` as `--raw` takes it: `3840x2160:rgb48le`) from `input` to
    /// `output` through the plan's LUT stages until end of input; returns the frame count.
    ///
    /// Three frame buffers rotate through a reader thread, the compute stage (row bands on all
    /// threads, each band converting to planar floats in a small scratch buffer — never a float
    /// frame) and a writer thread, so reading and writing overlap the work. Memory: three frames.
    /// A frame that ends early is an error naming its number (1-based). Raw frames carry no
    /// profile, so only LUT stages applied to the values as they are can run here.
    @discardableResult
    public func streamRaw(_ spec: String, input: Int32 = 0, output: Int32 = 1) throws -> Int {
        let format = try RawFormat(spec)
        let luts = try stages.map { s throws(OptionError) -> (LUTProcessor, Float) in
            guard let l = s as? LUTStage, l.space == nil else {
                throw OptionError("raw streams run LUT stages without a space for now; '\(s.label)' cannot run on one")
            }
            return (l.processor, l.strength)
        }
        return try streamRawFrames(luts, format: format, input: input, output: output, threads: request.threads)
    }
}

func streamRawFrames(_ luts: [(LUTProcessor, Float)], format: RawFormat, input: Int32, output: Int32, threads: Int) throws -> Int {
    let pipe = FramePipeline(frameBytes: format.frameBytes, slots: 3, input: input, output: output)
    defer { pipe.finish() }
    let w = format.width, h = format.height
    var count = 0
    while true {
        let (slot, got) = try pipe.nextFilled()
        if got == 0 { break }
        if got < format.frameBytes {
            try pipe.drain()  // every complete frame reaches the output before the error
            throw StreamError(message: "frame \(count + 1) is short: \(got) of \(format.frameBytes) bytes (is --raw \(w)x\(h):\(format.sample.rawValue) right?)",
                              category: .inputUnreadable)
        }
        count += 1
        let base = SendablePointer(pipe.buffer(slot))
        let sample = format.sample
        parallelChunks(h, grain: Swift.max(1, (1 << 14) / w), threads: threads) { rows in
            RawKernel.band(luts, base.base, sample: sample, first: rows.lowerBound * w, pixels: rows.count * w)
        }
        try pipe.submit(slot, frame: count)
    }
    try pipe.drain()
    return count
}

/// Reader → compute → writer hand-off over a ring of frame buffers (POSIX threads and
/// semaphores; the compute stage is the caller's thread). Each thread holds a reference, so
/// the buffers live until the last stage is done with them.
final class FramePipeline: @unchecked Sendable {
    private let frameBytes: Int, slots: Int, input: Int32, output: Int32
    private let buffers: [UnsafeMutablePointer<UInt8>]
    private var sizes: [Int]
    private var failure: StreamError?
    private var stopped = false
    private var lock = pthread_mutex_t()
    private var free = sem_t(), filled = sem_t(), toWrite = sem_t()
    private var writeQueue: [(slot: Int, frame: Int)] = []
    private var readSlot = 0, computeSlot = 0
    private var writer = pthread_t()
    private var writerJoined = false

    init(frameBytes: Int, slots: Int, input: Int32, output: Int32) {
        self.frameBytes = frameBytes; self.slots = slots; self.input = input; self.output = output
        buffers = (0..<slots).map { _ in UnsafeMutablePointer<UInt8>.allocate(capacity: frameBytes) }
        sizes = [Int](repeating: 0, count: slots)
        pthread_mutex_init(&lock, nil)
        sem_init(&free, 0, UInt32(slots)); sem_init(&filled, 0, 0); sem_init(&toWrite, 0, 0)
        // The reader is detached: after an error it may sit in read() until the input closes.
        var reader = pthread_t()
        pthread_create(&reader, nil, { arg in
            Unmanaged<FramePipeline>.fromOpaque(arg!).takeRetainedValue().readLoop(); return nil
        }, Unmanaged.passRetained(self).toOpaque())
        pthread_detach(reader)
        pthread_create(&writer, nil, { arg in
            Unmanaged<FramePipeline>.fromOpaque(arg!).takeRetainedValue().writeLoop(); return nil
        }, Unmanaged.passRetained(self).toOpaque())
    }

    deinit {
        buffers.forEach { $0.deallocate() }
        sem_destroy(&free); sem_destroy(&filled); sem_destroy(&toWrite)
        pthread_mutex_destroy(&lock)
    }

    func buffer(_ slot: Int) -> UnsafeMutablePointer<UInt8> { buffers[slot] }

    private func locked<T>(_ f: () -> T) -> T { pthread_mutex_lock(&lock); defer { pthread_mutex_unlock(&lock) }; return f() }
    private func fail(_ e: StreamError) { locked { if failure == nil { failure = e }; stopped = true } }
    private var isStopped: Bool { locked { stopped } }

    private func readLoop() {
        while true {
            sem_wait(&free)
            if isStopped { sem_post(&filled); return }
            let slot = readSlot
            readSlot = (readSlot + 1) % slots
            var got = 0
            while got < frameBytes {
                let n = read(input, buffers[slot] + got, frameBytes - got)
                if n < 0 {
                    if errno == EINTR { continue }
                    fail(StreamError(message: "reading: \(String(cString: strerror(errno)))", category: .inputUnreadable))
                    break
                }
                if n == 0 { break }
                got += n
            }
            locked { sizes[slot] = got }
            sem_post(&filled)
            if got < frameBytes { return }
        }
    }

    private func writeLoop() {
        while true {
            sem_wait(&toWrite)
            guard let job = locked({ writeQueue.isEmpty ? nil : writeQueue.removeFirst() }), job.slot >= 0 else { return }
            var sent = 0
            while sent < frameBytes && !isStopped {
                let n = write(output, buffers[job.slot] + sent, frameBytes - sent)
                if n < 0 {
                    if errno == EINTR { continue }
                    let why = errno == EPIPE ? "the reader closed the output" : String(cString: strerror(errno))
                    fail(StreamError(message: "writing frame \(job.frame): \(why)", category: .outputUnwritable))
                    break
                }
                sent += n
            }
            sem_post(&free)
        }
    }

    /// The next frame read, and how many bytes it holds (0 at the end of input).
    func nextFilled() throws -> (Int, Int) {
        sem_wait(&filled)
        if let e = locked({ failure }) { throw e }
        let slot = computeSlot
        computeSlot = (computeSlot + 1) % slots
        return (slot, locked { sizes[slot] })
    }

    /// Hands a computed frame to the writer.
    func submit(_ slot: Int, frame: Int) throws {
        if let e = locked({ failure }) { throw e }
        locked { writeQueue.append((slot, frame)) }
        sem_post(&toWrite)
    }

    private func joinWriter() {
        guard !writerJoined else { return }
        locked { writeQueue.append((-1, 0)) }
        sem_post(&toWrite)
        pthread_join(writer, nil)
        writerJoined = true
    }

    /// Waits until every submitted frame is written.
    func drain() throws {
        joinWriter()
        if let e = locked({ failure }) { throw e }
    }

    /// Stops both threads (a no-op for a drained pipeline's writer); a reader waiting for a
    /// free buffer leaves at once.
    func finish() {
        locked { stopped = true }
        joinWriter()
        sem_post(&free)
    }
}

enum RawKernel {
    /// One band of an interleaved frame: samples to planar floats in a scratch buffer (so the
    /// LUTs run their vector path), each LUT (blended by its strength), and back to the frame.
    static func band(_ luts: [(LUTProcessor, Float)], _ frame: UnsafeMutablePointer<UInt8>, sample: RawFormat.Sample,
                     first: Int, pixels n: Int) {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 6 * n) { tmp in
            let r = tmp.baseAddress!, g = r + n, b = g + n
            switch sample {
            case .rgb48le:
                let q = UnsafeMutableRawPointer(frame).assumingMemoryBound(to: UInt16.self) + 3 * first
                let k: Float = 1 / 65535
                for i in 0..<n {
                    r[i] = Float(UInt16(littleEndian: q[3 * i])) * k
                    g[i] = Float(UInt16(littleEndian: q[3 * i + 1])) * k
                    b[i] = Float(UInt16(littleEndian: q[3 * i + 2])) * k
                }
                for (p, strength) in luts { apply(p, r, count: n, strength: strength) }
                for i in 0..<n {
                    q[3 * i] = Quantize.to16(r[i]).littleEndian
                    q[3 * i + 1] = Quantize.to16(g[i]).littleEndian
                    q[3 * i + 2] = Quantize.to16(b[i]).littleEndian
                }
            case .rgb24:
                let q = frame + 3 * first
                let k: Float = 1 / 255
                for i in 0..<n { r[i] = Float(q[3 * i]) * k; g[i] = Float(q[3 * i + 1]) * k; b[i] = Float(q[3 * i + 2]) * k }
                for (p, strength) in luts { apply(p, r, count: n, strength: strength) }
                for i in 0..<n { q[3 * i] = Quantize.to8(r[i]); q[3 * i + 1] = Quantize.to8(g[i]); q[3 * i + 2] = Quantize.to8(b[i]) }
            case .rgbf32le:
                let q = UnsafeMutableRawPointer(frame).assumingMemoryBound(to: Float.self) + 3 * first
                for i in 0..<n { r[i] = q[3 * i]; g[i] = q[3 * i + 1]; b[i] = q[3 * i + 2] }
                for (p, strength) in luts { apply(p, r, count: n, strength: strength) }
                for i in 0..<n { q[3 * i] = r[i]; q[3 * i + 1] = g[i]; q[3 * i + 2] = b[i] }
            }
        }
    }

    /// The LUT on three planes of `count` floats at `r`; with strength < 1 the `3 * count`
    /// floats after them keep the originals for the blend.
    static func apply(_ p: LUTProcessor, _ r: UnsafeMutablePointer<Float>, count n: Int, strength: Float) {
        if strength != 1 { (r + 3 * n).update(from: r, count: 3 * n) }
        p.apply(r, r + n, r + 2 * n, stride: 1, count: n)
        if strength != 1 {
            let o = r + 3 * n
            for i in 0..<(3 * n) { r[i] = o[i] + strength * (r[i] - o[i]) }
        }
    }
}
