#if canImport(Glibc)
import Glibc
#endif

/// The temporary files of atomic writes in progress, so that SIGINT, SIGTERM and SIGHUP can
/// remove them before the process exits (130, 143, 129): an interrupt leaves no litter.
/// The table is fixed-size and the handler only calls `unlink` and `_exit`, both
/// async-signal-safe.
public enum Interrupts {
    static let capacity = 512
    nonisolated(unsafe) static let slots: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> = {
        let p = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: capacity)
        p.initialize(repeating: nil, count: capacity)
        return p
    }()
    nonisolated(unsafe) static var lock = pthread_mutex_t()
    nonisolated(unsafe) static var lockReady: Void = { pthread_mutex_init(&lock, nil) }()

    /// Installs the handlers (once, from a command-line host). Closed pipes (SIGPIPE) become
    /// write errors (EPIPE) that the writers report.
    public static func install() {
        _ = slots
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig) { s in
                for i in 0..<Interrupts.capacity { if let p = Interrupts.slots[i] { unlink(p) } }
                _exit(128 + s)
            }
        }
        signal(SIGPIPE, SIG_IGN)
    }

    /// Records `path` as a temporary file to remove on an interrupt; returns its slot.
    public static func register(_ path: String) -> Int? {
        _ = lockReady
        pthread_mutex_lock(&lock); defer { pthread_mutex_unlock(&lock) }
        for i in 0..<capacity where slots[i] == nil {
            slots[i] = strdup(path)
            return i
        }
        return nil
    }

    public static func unregister(_ slot: Int?) {
        guard let slot else { return }
        pthread_mutex_lock(&lock); defer { pthread_mutex_unlock(&lock) }
        let p = slots[slot]
        slots[slot] = nil
        free(p)
    }
}
