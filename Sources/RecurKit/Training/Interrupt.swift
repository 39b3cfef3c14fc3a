#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C (SIGINT) or SIGTERM during training: the first one asks the trainer to checkpoint and
/// stop after the current step; a second one ends the process at once.
public enum Interrupt {
    nonisolated(unsafe) private static var received: sig_atomic_t = 0

    public static var isRequested: Bool { received != 0 }

    /// The conventional exit status for the signal received: 130 for SIGINT, 143 for SIGTERM.
    public static var exitStatus: Int32 { 128 + Int32(received) }

    public static func install() {
        let handler: @convention(c) (Int32) -> Void = { signal in
            if Interrupt.received != 0 { _exit(128 + signal) }
            Interrupt.received = signal
        }
        signal(SIGINT, handler)
        signal(SIGTERM, handler)
    }
}
