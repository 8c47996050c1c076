// The public facade of restore. A caller builds a `Request`, plans it once against an
// `RestoreEnvironment` (config + plugins) with `Pipeline.plan`, and runs the `Plan` on as
// many images as it likes. The lower modules (RestoreIO, RestoreColor, RestoreLUT, RestoreNN,
// RestorePlugins) are products of their own and are not re-exported.
import RestoreCore

/// restore's version, printed by `restore --version`.
public let restoreVersion = "0.1.0"

/// Process-wide settings for a command-line host.
public enum RestoreRuntime {
    /// Keeps freed image buffers in the process instead of returning them to the kernel at
    /// once (glibc malloc tuning): a pipeline frees and reallocates frame-sized buffers, and
    /// returning them costs page faults. Call once at start-up; a library host may skip it.
    /// Also installs the interrupt handlers: SIGINT, SIGTERM and SIGHUP remove the temporary
    /// file of a write in progress and exit 130, 143 or 129; a closed pipe is a write error.
    public static func configureProcess() {
        MemoryPolicy.retainFreedBuffers()
        Interrupts.install()
    }

    /// The default worker thread count: `$RESTORE_THREADS`, else every core.
    public static var defaultThreads: Int { Parallelism.defaultThreads }
}
