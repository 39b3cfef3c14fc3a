import RecurKit

/// The one C entry point `recur` calls after loading this library. `PluginAPI.register`
/// checks that this plugin was built against the host's plugin API, then registers.
@_cdecl("recur_plugin_register")
public func recurPluginRegister(_ hostAPI: Int32) -> Int32 {
    PluginAPI.register(hostAPI: hostAPI) { plugin in
        try plugin.register(MinGRU.descriptor)
    }
}
