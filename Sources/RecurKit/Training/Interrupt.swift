#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C during training: the first SIGINT asks the trainer to checkpoint and stop after the
/// current step; a second one ends the process at once.
public enum Interrupt {
    nonisolated(unsafe) private static var requested: sig_atomic_t = 0

    public static var isRequested: Bool { requested != 0 }

    public static func install() {
        signal(SIGINT) { _ in
            if Interrupt.requested != 0 { _exit(130) }
            Interrupt.requested = 1
        }
        signal(SIGTERM) { _ in Interrupt.requested = 1 }
    }

    /// For tests: behave as if Ctrl-C had been pressed (or clear it).
    public static func simulate(_ on: Bool = true) { requested = on ? 1 : 0 }
}
