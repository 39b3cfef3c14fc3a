import Foundation

/// Numbered upgrades of older run configs, applied in order on the raw JSON, so run
/// directories and bundles written by earlier versions keep loading.
///
/// - Format 1 (no `format` key): task and cell options were text (`"embedding": "64"`), and
///   `path` (`fused`/`generic`) sat at the top level.
/// - Format 2: options are typed JSON values (`"embedding": 64`) read through the plugin's
///   declared fields, and `path` lives in `stack`, beside the other facts about the cells.
/// - Format 3: the learning-rate schedule, regularisers (weight decay, label smoothing,
///   embedding dropout) and the best-checkpoint settings; a format-2 run had none of them.
public enum RunConfigMigrations {
    /// `steps[i]` turns format `i + 1` into format `i + 2`.
    static let steps: [@Sendable ([String: Any], String, Registry<TaskDescriptor>, Registry<CellDescriptor>) throws -> [String: Any]] = [typedOptions, trainingRegime]

    /// Upgrades `json` to the current format; the registries give the plugins' option types.
    public static func upgrade(_ json: [String: Any], source: String, tasks: Registry<TaskDescriptor> = Registries.tasks,
                               cells: Registry<CellDescriptor> = Registries.cells) throws -> [String: Any] {
        let version: Int
        switch json["format"] {
        case nil: version = 1
        case let number as Int: version = number
        default: throw RunError("\(source): the run config's format is not a number")
        }
        guard version >= 1 else { throw RunError("\(source): run config format \(version) is not one Recur wrote") }
        guard version <= RunConfig.currentFormat else {
            throw RunError("\(source): run config format \(version) is newer than this Recur reads (\(RunConfig.currentFormat)); upgrade Recur")
        }
        var upgraded = json
        for step in steps[(version - 1)...] { upgraded = try step(upgraded, source, tasks, cells) }
        upgraded["format"] = RunConfig.currentFormat
        return upgraded
    }

    /// 1 → 2: text options become typed through the registered plugin's fields (text options
    /// of a plugin this machine lacks stay text; opening the run then names the plugin), and
    /// `path` moves into `stack`.
    @Sendable static func typedOptions(_ json: [String: Any], source: String, tasks: Registry<TaskDescriptor>,
                                       cells: Registry<CellDescriptor>) throws -> [String: Any] {
        var out = json
        // A whole config has a stack; a partial one (a `--config` overlay) may have neither.
        guard json["stack"] != nil || json["path"] != nil || json["taskOptions"] != nil else { return out }
        var stack = json["stack"] as? [String: Any] ?? [:]
        if json["stack"] != nil || json["path"] != nil { stack["path"] = json["path"] ?? stack["path"] ?? "fused" }
        out["path"] = nil
        if let text = stack["cellOptions"] as? [String: String], let cell = stack["cell"] as? String,
           let descriptor = try? cells.lookup(cell) {
            stack["cellOptions"] = try jsonObject(descriptor.options.upgrade(text: text), source: source, what: "cell options")
        }
        if !stack.isEmpty { out["stack"] = stack }
        if let text = json["taskOptions"] as? [String: String], let task = json["task"] as? String,
           let descriptor = try? tasks.lookup(task) {
            out["taskOptions"] = try jsonObject(descriptor.options.upgrade(text: text), source: source, what: "task options")
        }
        return out
    }

    /// 2 → 3: a whole config (one with a task and a stack) gains the settings that format 2
    /// did not have, at the values that mean "off"; a partial `--config` overlay is left alone
    /// so that it does not override the task's recipe.
    @Sendable static func trainingRegime(_ json: [String: Any], source: String, tasks: Registry<TaskDescriptor>,
                                         cells: Registry<CellDescriptor>) throws -> [String: Any] {
        guard json["task"] != nil, json["stack"] != nil else { return json }
        var out = json
        let schedule = try JSONSerialization.jsonObject(with: JSONEncoder().encode(LearningRateSchedule()))
        let added: [String: Any] = ["schedule": schedule, "weightDecay": 0, "labelSmoothing": 0, "embeddingDropout": 0, "keepBest": false]
        for (key, value) in added where out[key] == nil { out[key] = value }
        return out
    }

    private static func jsonObject(_ build: @autoclosure () throws -> [String: JSONValue], source: String, what: String) throws -> Any {
        let values: [String: JSONValue]
        do { values = try build() } catch { throw RunError("\(source): its \(what): \(error)") }
        return values.mapValues(\.foundationValue)
    }
}

extension JSONValue {
    /// The value as `JSONSerialization` builds it.
    public var foundationValue: Any {
        switch self {
        case .null: return NSNull()
        case .bool(let value): return value
        case .int(let value): return value
        case .double(let value): return value
        case .string(let value): return value
        case .array(let value): return value.map(\.foundationValue)
        case .object(let value): return value.mapValues(\.foundationValue)
        }
    }
}
