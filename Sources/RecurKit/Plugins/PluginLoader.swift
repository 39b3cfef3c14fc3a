import Foundation

/// Loads run-time plugin libraries into a pair of registries and reports each one in a line.
///
/// Every failure is contained: a library that cannot be opened, lacks the entry point, was built
/// against another ``PluginAPI/version``, throws while registering, or clashes with a name that
/// exists gives a ``PluginLoadReport`` with a problem and registers nothing; the other plugins
/// and the built-ins are untouched.
public struct PluginLoader {
    public let cells: Registry<CellDescriptor>
    public let tasks: Registry<TaskDescriptor>

    public init(cells: Registry<CellDescriptor> = Registries.cells, tasks: Registry<TaskDescriptor> = Registries.tasks) {
        self.cells = cells
        self.tasks = tasks
    }

    public func load(_ files: [String]) -> [PluginLoadReport] { files.map(load) }

    public func load(_ file: String) -> PluginLoadReport {
        // RTLD_LOCAL keeps one plugin's symbols from satisfying another's; the shared
        // libRecurKit.so is still found once, by name, because the host already loaded it.
        guard let handle = dlopen(file, RTLD_NOW | RTLD_LOCAL) else {
            let reason = dlerror().map { String(cString: $0) } ?? "unknown reason"
            return PluginLoadReport(file: file, problem: "cannot be loaded: \(reason)")
        }
        // Never dlclose: Swift metadata registered by a library cannot be unloaded safely.
        guard let symbol = dlsym(handle, PluginAPI.entryPointName) else {
            return PluginLoadReport(file: file, problem:
                "no entry point `\(PluginAPI.entryPointName)`; a plugin exports it with @_cdecl(\"\(PluginAPI.entryPointName)\")")
        }
        typealias Entry = @convention(c) (Int32) -> Int32
        let entry = unsafeBitCast(symbol, to: Entry.self)
        let registrar = PluginRegistrar(file: file)
        let answer = registrar.activate { entry(PluginAPI.version) }
        switch answer {
        case PluginAPI.version:
            return commit(registrar)
        case PluginAPI.registrationFailed:
            return PluginLoadReport(file: file, problem: "registration failed: \(registrar.failure.map { "\($0)" } ?? "no error given")")
        case PluginAPI.secondRecurKitCopy:
            return PluginLoadReport(file: file, problem:
                "it has its own copy of RecurKit, so its registrations cannot reach this host; link the dynamic RecurKit product, not the target")
        default:
            return PluginLoadReport(file: file, problem:
                "built against plugin API \(answer), this recur has \(PluginAPI.version); rebuild it from this Recur's source (`recur plugin build`)")
        }
    }

    private func commit(_ registrar: PluginRegistrar) -> PluginLoadReport {
        let file = registrar.file
        guard !registrar.cells.isEmpty || !registrar.tasks.isEmpty else {
            return PluginLoadReport(file: file, problem: "its entry point registered nothing")
        }
        do {
            // Check both kinds before committing either, so a clash leaves nothing behind.
            for cell in registrar.cells where cells.names.contains(cell.name) {
                throw clash(kind: "cell", name: cell.name, existing: try cells.lookup(cell.name).origin)
            }
            for task in registrar.tasks where tasks.names.contains(task.name) {
                throw clash(kind: "task", name: task.name, existing: try tasks.lookup(task.name).origin)
            }
            try cells.register(contentsOf: registrar.cells)
            try tasks.register(contentsOf: registrar.tasks)
        } catch {
            return PluginLoadReport(file: file, problem: "\(error)")
        }
        return PluginLoadReport(file: file, cells: registrar.cells.map(\.name), tasks: registrar.tasks.map(\.name))
    }

    private func clash(kind: String, name: String, existing: String) -> PluginClash {
        PluginClash(description: "its \(kind) '\(name)' clashes with the \(kind) of that name from \(existing); rename it")
    }
}

/// A plugin name already taken; the message names the other origin.
struct PluginClash: Error, CustomStringConvertible { let description: String }
