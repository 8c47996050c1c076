#if canImport(Glibc)
import Glibc
#endif
import Foundation
import RestoreColor
import RestoreCore
import RestoreLUT

/// A short or unreadable frame, or a write failure, on a raw stream.
public struct StreamError: RestoreError {
    public var path: String? { "-" }
    public var message: String
    public var category: ErrorCategory
}

extension Plan {
    /// Streams raw frames (`spec` as `--raw` takes it: `3840x2160:rgb48le`, see `RawFormat`)
    /// from `input` to `output` through every stage until the end of input, in the same
    /// layout (an upscale makes the frames larger: `outputFormat(forRaw:)`); returns the
    /// frame count. Frames carry no profile: they are taken to be in `assumeProfile` (default
    /// sRGB) and written in `outputProfile` (default the same).
    ///
    /// Frame buffers rotate through a reader thread, the compute stage (`jobs` frames at once,
    /// the threads divided between them) and a writer thread that keeps the order, so reading
    /// and writing overlap the work; memory is `jobs + 2` frames (at the output size) plus the
    /// stages' own per job. A stream is one shot: what stages decide per shot (σ) comes from
    /// its first frame, unless `perFrame`. A frame that ends early is an error naming its
    /// number (1-based), after every complete frame before it has been written. `events`
    /// gets a start, a progress event per frame (stage "frames", total 0: unknown) and a
    /// summary.
    @discardableResult
    public func streamRaw(_ spec: String, input: Int32 = 0, output: Int32 = 1, perFrame: Bool = false, jobs: Int = 1,
                          expectedFrames: Int? = nil, events: @escaping @Sendable (BatchEvent) -> Void = { _ in }) throws -> Int {
        guard BatchOptions.jobRange.contains(jobs) else { throw OptionError("--jobs must be from 1 to \(BatchOptions.jobRange.upperBound), got \(jobs)") }
        let format = try RawFormat(spec)
        let out = try outputFormat(forRaw: spec)
        let started = Date()
        events(.start(items: expectedFrames == nil ? 0 : 1, allItems: 0, shard: nil, jobs: 1, stages: stageLabels, output: out.description))
        let count: Int
        // LUTs on the values as they are, on interleaved RGB: the in-place kernel; else decode, every stage, encode.
        let fast = target == nil && assumed == nil && [.rgb24, .rgb48le, .rgbf32le].contains(format.sample)
        if fast, let luts = try? stages.map({ s throws(OptionError) -> (LUTProcessor, Float) in
            guard let l = s as? LUTStage, l.space == nil else { throw OptionError("") }
            return (l.processor, l.strength)
        }) {
            count = try streamRawFrames(luts, format: format, input: input, output: output, threads: request.threads) { n in
                events(.progress(index: 0, input: "-", stage: "frames", done: n, total: expectedFrames ?? 0, finished: 0, items: 0, seconds: Date().timeIntervalSince(started)))
            }
        } else {
            count = try streamFrames(format, out: out, input: input, output: output, perFrame: perFrame, jobs: jobs) { n in
                events(.progress(index: 0, input: "-", stage: "frames", done: n, total: expectedFrames ?? 0, finished: 0, items: 0, seconds: Date().timeIntervalSince(started)))
            }
        }
        var summary = BatchSummary()
        summary.done = count
        summary.seconds = Date().timeIntervalSince(started)
        events(.summary(summary))
        return count
    }

    /// The layout of the frames `streamRaw` writes for input frames `spec`.
    public func outputFormat(forRaw spec: String) throws -> RawFormat {
        let f = try RawFormat(spec)
        let size = try outputSize(width: f.width, height: f.height, output: "-")
        return try RawFormat(width: size.width, height: size.height, sample: f.sample)
    }

    /// The general path: each frame decoded to an image, run through every stage, encoded;
    /// `jobs` frames at once, each with its share of the threads.
    private func streamFrames(_ format: RawFormat, out: RawFormat, input: Int32, output: Int32, perFrame: Bool, jobs: Int,
                              progress: @escaping @Sendable (Int) -> Void) throws -> Int {
        let pipe = try FramePipeline(frameBytes: format.frameBytes, outputBytes: out.frameBytes, slots: jobs + 2, input: input, output: output)
        defer { pipe.finish() }
        let source = assumed ?? .named(.srgb)
        let threads = Swift.max(1, request.threads / jobs)
        let base = RunSettings(threads: threads, cancellation: Cancellation(), progress: nil)
        let decides = !perFrame ? stages.lastIndex(where: { $0.decidesPerShot }) : nil
        let state = StreamState(waitForShot: decides != nil)
        DispatchQueue.concurrentPerform(iterations: jobs) { _ in
            while !state.stopped {
                let slot: Int, got: Int, frame: Int
                do { (slot, got, frame) = try pipe.nextFilled() } catch { state.fail(error, frame: Int.max); return }
                if slot < 0 || got == 0 { return }
                if got < format.frameBytes {
                    state.fail(StreamError(message: "frame \(frame) is short: \(got) of \(format.frameBytes) bytes (is --raw \(format) right?)",
                                           category: .inputUnreadable), frame: frame)
                    return
                }
                do {
                    var image = try format.decode(pipe.buffer(slot), frame: frame, threads: threads)
                    var settings = base
                    if let last = decides {
                        if frame == 1 {  // a stream is one shot, decided from its first frame
                            var samples = [(image: image, current: source, source: source)]
                            state.publish(analyze(&samples, upTo: last, settings: base).map { Shot(decisions: $0, samples: ["frame 1"]) })
                        }
                        settings.shot = state.shot()
                    }
                    var report = ItemReport(input: "-", output: "-")
                    try process(&image, source: source, settings: settings, report: &report)
                    out.encode(image, into: pipe.buffer(slot), threads: threads)
                    try pipe.submit(slot, frame: frame)
                    progress(state.finished())
                } catch {
                    if frame == 1 { state.publish(nil) }
                    state.fail(error, frame: frame)
                    return
                }
            }
        }
        try pipe.drain()  // every frame before a failing one is written first
        if let e = state.error { throw e }
        return state.count
    }
}

/// The shared state of a stream's compute threads: the first failure (by frame), the shot
/// decided on frame 1, and the frames done.
final class StreamState: @unchecked Sendable {
    private let lock = NSCondition()
    private var failure: (frame: Int, error: any Error)?
    private var decided: Shot?
    private var waiting: Bool
    private(set) var count = 0
    init(waitForShot: Bool) { waiting = waitForShot }

    var stopped: Bool { lock.withLock { failure != nil } }
    var error: (any Error)? { lock.withLock { failure?.error } }
    func fail(_ e: any Error, frame: Int) { lock.withLock { if failure == nil || frame < failure!.frame { failure = (frame, e) } } }
    func finished() -> Int { lock.withLock { count += 1; return count } }
    func publish(_ shot: Shot?) { lock.withLock { decided = shot; waiting = false; lock.broadcast() } }
    /// The shot's decision, once frame 1 has made it.
    func shot() -> Shot? {
        lock.lock(); defer { lock.unlock() }
        while waiting && failure == nil { lock.wait() }
        return decided
    }
}

func streamRawFrames(_ luts: [(LUTProcessor, Float)], format: RawFormat, input: Int32, output: Int32, threads: Int,
                     progress: (Int) -> Void = { _ in }) throws -> Int {
    let pipe = try FramePipeline(frameBytes: format.frameBytes, outputBytes: format.frameBytes, slots: 3, input: input, output: output)
    defer { pipe.finish() }
    let w = format.width, h = format.height
    var count = 0
    while true {
        let (slot, got, _) = try pipe.nextFilled()
        if got == 0 { break }
        if got < format.frameBytes {
            try pipe.drain()  // every complete frame reaches the output before the error
            throw StreamError(message: "frame \(count + 1) is short: \(got) of \(format.frameBytes) bytes (is --raw \(format) right?)",
                              category: .inputUnreadable)
        }
        count += 1
        let base = SendablePointer(pipe.buffer(slot))
        let sample = format.sample
        parallelChunks(h, grain: Swift.max(1, (1 << 14) / w), threads: threads) { rows in
            RawKernel.band(luts, base.base, sample: sample, first: rows.lowerBound * w, pixels: rows.count * w)
        }
        try pipe.submit(slot, frame: count)
        progress(count)
    }
    try pipe.drain()
    return count
}

/// Reader → compute → writer hand-off over a ring of frame buffers (POSIX threads and
/// semaphores; the compute stage is the caller's thread, or several threads, each taking the
/// next frame, with the writer putting them back in order). Each thread holds a reference, so
/// the buffers live until the last stage is done with them.
final class FramePipeline: @unchecked Sendable {
    private let frameBytes: Int, outputBytes: Int, slots: Int, input: Int32, output: Int32
    private let buffers: [UnsafeMutablePointer<UInt8>]
    private var sizes: [Int]
    private var failure: StreamError?
    private var stopped = false
    private var lock = pthread_mutex_t()
    private var free = sem_t(), filled = sem_t(), toWrite = sem_t()
    private var writeQueue: [(slot: Int, frame: Int)] = []
    private var readSlot = 0, computeSlot = 0, nextFrame = 1, nextWrite = 1
    private var ended = false
    private var pending: [Int: Int] = [:]
    private var writer = pthread_t()
    private var writerJoined = false

    /// Slots hold a frame read (`frameBytes`) and then, in place, the frame to write
    /// (`outputBytes`, larger after an upscale).
    /// All buffers together may take at most this many bytes (16 GiB).
    static let budget = 16 << 30

    init(frameBytes: Int, outputBytes: Int, slots: Int, input: Int32, output: Int32) throws(OptionError) {
        let each = Swift.max(frameBytes, outputBytes)
        guard each <= Self.budget / slots else {
            throw OptionError("raw frames of \(each >> 20) MB in \(slots) buffers are more than \(Self.budget >> 30) GB; use smaller frames or fewer --jobs")
        }
        var taken: [UnsafeMutablePointer<UInt8>] = []
        for _ in 0..<slots {
            guard let p = malloc(each)?.assumingMemoryBound(to: UInt8.self) else {
                taken.forEach { Glibc.free($0) }
                throw OptionError("cannot allocate \(slots) raw frame buffers of \(each >> 20) MB; use smaller frames or fewer --jobs")
            }
            taken.append(p)
        }
        self.frameBytes = frameBytes; self.outputBytes = outputBytes; self.slots = slots; self.input = input; self.output = output
        buffers = taken
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
        buffers.forEach { Glibc.free($0) }
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
            while sent < outputBytes && !isStopped {
                let n = write(output, buffers[job.slot] + sent, outputBytes - sent)
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

    /// The next frame read: its slot, how many bytes it holds (0 at the end of input; fewer
    /// than a frame: a short last frame) and its number (1-based). Safe to call from several
    /// compute threads; after the end every caller gets slot -1.
    func nextFilled() throws -> (slot: Int, size: Int, frame: Int) {
        sem_wait(&filled)
        if let e = locked({ failure }) { throw e }
        return locked {
            if ended { sem_post(&filled); return (-1, 0, nextFrame) }
            let slot = computeSlot
            computeSlot = (computeSlot + 1) % slots
            let size = sizes[slot], frame = nextFrame
            nextFrame += 1
            if size < frameBytes { ended = true; sem_post(&filled) }  // wake the other compute threads
            return (slot, size, frame)
        }
    }

    /// Hands a computed frame to the writer, which writes frames in order (frames finished
    /// early wait in their slots).
    func submit(_ slot: Int, frame: Int) throws {
        if let e = locked({ failure }) { throw e }
        var ready = 0
        locked {
            pending[frame] = slot
            while let s = pending.removeValue(forKey: nextWrite) { writeQueue.append((s, nextWrite)); nextWrite += 1; ready += 1 }
        }
        for _ in 0..<ready { sem_post(&toWrite) }
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
            default:  // the other layouts take the general path (Plan.streamFrames)
                preconditionFailure("no fast LUT kernel for \(sample)")
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
