import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// How many threads kernels use. Default: every core (or `RESTORE_THREADS` when set).
public enum Parallelism {
    /// The default thread count: `$RESTORE_THREADS` if it is a positive integer, otherwise the
    /// number of online processors.
    public static var defaultThreads: Int {
        if let s = getenv("RESTORE_THREADS"), let n = Int(String(cString: s)), n > 0 { return n }
        return Swift.max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }
}

/// Runs `body(i)` for every `i` in `0..<count` on up to `threads` threads. Items are handed out
/// dynamically, so uneven items balance. With one thread (or one item) it runs inline.
/// `body` must only touch memory that no other item touches.
public func parallelFor(_ count: Int, threads: Int = Parallelism.defaultThreads,
                        _ body: @Sendable (Int) -> Void) {
    if count <= 0 { return }
    let workers = Swift.min(Swift.max(1, threads), count)
    if workers == 1 {
        for i in 0..<count { body(i) }
        return
    }
    let next = AtomicCounter()
    DispatchQueue.concurrentPerform(iterations: workers) { _ in
        while true {
            let i = next.increment()
            if i >= count { break }
            body(i)
        }
    }
}

/// Splits `0..<total` into contiguous chunks of about `grain` and runs them in parallel:
/// `body(range)`.
public func parallelChunks(_ total: Int, grain: Int, threads: Int = Parallelism.defaultThreads,
                           _ body: @Sendable (Range<Int>) -> Void) {
    if total <= 0 { return }
    let g = Swift.max(1, grain)
    let chunks = (total + g - 1) / g
    parallelFor(chunks, threads: threads) { i in
        let lo = i * g
        body(lo..<Swift.min(total, lo + g))
    }
}

/// Runs `body(tile)` for every tile in parallel.
public func parallelForTiles(_ tiles: [Tile], threads: Int = Parallelism.defaultThreads,
                             _ body: @Sendable (Tile) -> Void) {
    parallelFor(tiles.count, threads: threads) { i in body(tiles[i]) }
}

/// A lock-protected counter (Dispatch has no atomics on Linux without swift-atomics).
final class AtomicCounter: @unchecked Sendable {
    private var value = 0
    private var lock = pthread_mutex_t()
    init() { pthread_mutex_init(&lock, nil) }
    deinit { pthread_mutex_destroy(&lock) }
    func increment() -> Int {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        let v = value
        value += 1
        return v
    }
}

/// A pointer that may cross threads. Whoever shares it promises that threads write disjoint
/// elements (the tile and row partitions used by kernels).
public struct SendablePointer<T>: @unchecked Sendable {
    public let base: UnsafeMutablePointer<T>
    public init(_ base: UnsafeMutablePointer<T>) { self.base = base }
}

/// A read-only pointer that may cross threads.
public struct SendableConstPointer<T>: @unchecked Sendable {
    public let base: UnsafePointer<T>
    public init(_ base: UnsafePointer<T>) { self.base = base }
}

/// Collects the first error thrown by parallel work.
public final class FirstError: @unchecked Sendable {
    private var error: (any Error)?
    private var lock = pthread_mutex_t()
    public init() { pthread_mutex_init(&lock, nil) }
    deinit { pthread_mutex_destroy(&lock) }
    public func record(_ e: any Error) {
        pthread_mutex_lock(&lock)
        if error == nil { error = e }
        pthread_mutex_unlock(&lock)
    }
    public func rethrow() throws {
        pthread_mutex_lock(&lock)
        let e = error
        pthread_mutex_unlock(&lock)
        if let e { throw e }
    }
}
