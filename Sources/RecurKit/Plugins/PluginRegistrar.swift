import Foundation

/// What a plugin's entry point registers into. The host creates one per library and makes it
/// ``active`` while the entry point runs; nothing reaches the registries until the whole
/// registration succeeded, so a plugin that fails half-way leaves no half of itself behind.
public final class PluginRegistrar: @unchecked Sendable {
    /// The plugin library, recorded as each entry's `origin`.
    public let file: String
    public private(set) var cells: [CellDescriptor] = []
    public private(set) var tasks: [TaskDescriptor] = []
    /// The error a failing registration threw (set by ``PluginAPI/register(hostAPI:_:)``).
    public var failure: Error?

    public init(file: String) { self.file = file }

    /// Adds a cell; its origin becomes this plugin's file.
    public func register(_ cell: CellDescriptor) throws {
        var cell = cell
        cell.origin = file
        guard !cells.contains(where: { $0.name == cell.name }) else {
            throw RegistryError.duplicate(kind: "cell", name: cell.name, existingOrigin: file, newOrigin: file)
        }
        cells.append(cell)
    }

    /// Adds a task; its origin becomes this plugin's file.
    public func register(_ task: TaskDescriptor) throws {
        var task = task
        task.origin = file
        guard !tasks.contains(where: { $0.name == task.name }) else {
            throw RegistryError.duplicate(kind: "task", name: task.name, existingOrigin: file, newOrigin: file)
        }
        tasks.append(task)
    }

    // The registrar of the load in progress. Loads are sequential (start-up, one thread), and a
    // plugin reaches this through the shared libRecurKit.so; a plugin with its own static copy
    // of RecurKit sees `nil` here, which is how that silent failure becomes a loud one.
    nonisolated(unsafe) private static var current: PluginRegistrar?
    private static let lock = NSLock()

    /// The registrar of the plugin whose entry point is running, if any.
    public static var active: PluginRegistrar? { lock.withLock { current } }

    /// Makes `self` active for the duration of `body` (the host's side of a load).
    func activate<T>(_ body: () throws -> T) rethrows -> T {
        Self.lock.withLock { Self.current = self }
        defer { Self.lock.withLock { Self.current = nil } }
        return try body()
    }
}
