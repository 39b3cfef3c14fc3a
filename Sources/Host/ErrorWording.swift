import RecurKit

/// The library reports bad values as data (field, value, what is allowed); these turn them into
/// words for where the value came from: a flag the user typed, or a field of a saved config.

/// As flags: `--embedding 0: expected an integer ≥ 1 (task 'char-lm')`.
func flagWording(_ error: Error) -> String {
    switch error {
    case let error as ConfigValueError:
        return "--\(error.field) \(error.value): expected \(error.expected)" + (error.owner.map { " (\($0))" } ?? "")
    case let error as UnknownOptionError:
        return error.description
    default:
        return "\(error)"
    }
}

/// Library errors that need advice in terms of flags.
func hostWording(_ error: Error) -> String {
    switch error {
    case is ConfigValueError, is UnknownOptionError:
        return flagWording(error)
    case let error as RunDirectoryOccupied:
        return "\(error.url.path) already holds a run; choose another --run-dir, resume it with `recur resume`, or pass --overwrite"
    case let error as NonFiniteLossError:
        return "\(error). Try a lower --lr or a --clip value."
    default:
        return "\(error)"
    }
}

/// As fields of a saved config: `model.recur: its config has taskOptions.embedding = 0, expected …`.
func configWording(_ error: Error, source: String, section: String) -> String {
    switch error {
    case let error as ConfigValueError:
        return "\(source): its config has \(section).\(error.field) = \(error.value), expected \(error.expected)"
    case let error as UnknownOptionError:
        return "\(source): its config has \(section).\(error.name), which \(error.owner) does not declare"
    default:
        return "\(source): \(error)"
    }
}
