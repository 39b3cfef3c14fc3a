/// The contract between `recur` and a run-time plugin library: one C entry point,
/// ``entryPointName``, of type `int32_t (int32_t hostAPIVersion)`.
///
/// The host calls it with its ``version``; the plugin answers with the version it was compiled
/// against, and registers its cells only when the two agree. Swift has no stable ABI for
/// RecurKit's types (no library evolution), so a plugin must be built from the identical RecurKit
/// source as the host; the number is the cheap guard against a stale build.
///
/// A plugin writes:
/// ```swift
/// @_cdecl("recur_plugin_register")
/// public func recurPluginRegister(_ hostAPI: Int32) -> Int32 {
///     PluginAPI.register(hostAPI: hostAPI) { plugin in try plugin.register(MyCellPlugin.descriptor) }
/// }
/// ```
public enum PluginAPI {
    /// The C symbol the host looks up in every plugin library.
    public static let entryPointName = "recur_plugin_register"

    /// Bump whenever a public RecurKit or RecurCore declaration a plugin can use changes shape.
    /// Emitted into the client, so a plugin carries the number it was compiled with rather than
    /// reading the host's copy at run time.
    @_alwaysEmitIntoClient
    /// 2: typed plugin options (`PluginOptions`), task contract v2 (`BatchShard`, `Predicting`).
    public static var version: Int32 { 2 }

    /// Returned when the registrations in `body` threw; the host reads the error from the registrar.
    public static let registrationFailed: Int32 = -1
    /// Returned when the plugin sees no load in progress: it is talking to a second copy of
    /// RecurKit (linked statically), so anything it registered would be invisible to the host.
    public static let secondRecurKitCopy: Int32 = -2

    /// The body of a plugin's entry point: checks the version, then runs `body` with the
    /// registrar of the load in progress. Emitted into the plugin so the version compared is the
    /// plugin's own.
    @_alwaysEmitIntoClient
    public static func register(hostAPI: Int32, _ body: (PluginRegistrar) throws -> Void) -> Int32 {
        let mine = version
        guard hostAPI == mine else { return mine }
        guard let registrar = PluginRegistrar.active else { return secondRecurKitCopy }
        do {
            try body(registrar)
        } catch {
            registrar.failure = error
            return registrationFailed
        }
        return mine
    }
}
