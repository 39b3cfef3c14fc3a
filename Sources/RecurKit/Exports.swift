// Plugins and the host import only RecurKit; the engine comes with it.
@_exported import RecurCore
