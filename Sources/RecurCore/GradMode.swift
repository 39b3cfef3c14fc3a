#if canImport(Glibc)
import Glibc
#endif

/// Whether operations record themselves for backpropagation on the current thread.
///
/// Thread-local, so inference on one thread never disables training on another.
public enum GradMode {
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// `true` unless inside ``withNoGrad(_:)`` on this thread.
    public static var isEnabled: Bool { pthread_getspecific(key) == nil }

    /// Runs `body` with recording off: results are constants and no graph is kept (inference).
    public static func withNoGrad<R>(_ body: () throws -> R) rethrows -> R {
        let previous = pthread_getspecific(key)
        pthread_setspecific(key, UnsafeRawPointer(bitPattern: 1))
        defer { pthread_setspecific(key, previous) }
        return try body()
    }
}
