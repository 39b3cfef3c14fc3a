import RecurCore
@_exported import RecurCore
