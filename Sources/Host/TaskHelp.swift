import ArgumentParser
import RecurKit

/// `recur run TASK --help`: the common options with this task's defaults, then the task's own
/// options with theirs. ArgumentParser's help is static, and a task's options are only known
/// once plugins are loaded, so this page is built here.
enum TaskHelp {
    /// The page, when `arguments` ask for one task's help.
    static func message(for arguments: [String]) -> String? {
        let words = Array(arguments.dropFirst())
        guard words.count >= 3, words[0] == "run", words.dropFirst(2).contains(where: { $0 == "--help" || $0 == "-h" }),
              let task = try? Registries.tasks.lookup(words[1]) else { return nil }
        return page(task)
    }

    static func page(_ task: TaskDescriptor) -> String {
        let defaults = task.defaultConfig()
        var lines = ["USAGE: recur run \(task.name) [common options] [\(task.name) options]", "",
                     "\(task.name): \(task.summary)", ""]
        let length = defaults.steps.map { "--steps \($0)" } ?? defaults.epochs.map { "--epochs \($0)" } ?? "--steps 1000"
        lines.append("DEFAULTS OF THE COMMON OPTIONS (`recur run --help` lists them all):")
        lines.append("  --cell \(defaults.stack.cell) --layers \(defaults.stack.layers) --hidden \(defaults.stack.hiddenSize) "
                     + (defaults.stack.bidirectional ? "--bidirectional " : "") + (defaults.stack.dropout > 0 ? "--dropout \(defaults.stack.dropout) " : "")
                     + "--batch \(defaults.batch) " + (task.unusedCommonOptions["seq-len"] == nil ? "--seq-len \(defaults.seqLen) " : "") + "--optimizer \(defaults.optimizer.rawValue) "
                     + "--lr \(defaults.learningRate) --clip \(defaults.clip) --seed \(defaults.seed) \(length) "
                     + "--eval-every \(defaults.evalEvery) --checkpoint-every \(defaults.checkpointEvery)"
                     + (defaults.schedule.kind == .constant ? "" : " --lr-schedule \(defaults.schedule.kind.rawValue)"))
        lines.append("  --monitor \(task.monitor.metric):\(task.monitor.goal.rawValue) (the metric --keep-best, --early-stop and --lr-schedule plateau follow)")
        for flag in task.unusedCommonOptions.keys.sorted() {
            lines.append("  not used: --\(flag) (\(task.unusedCommonOptions[flag]!))")
        }
        lines.append("")
        if task.options.fields.isEmpty {
            lines.append("\(task.name) has no options of its own.")
        } else {
            lines.append("OPTIONS OF \(task.name.uppercased()):")
            let width = task.options.fields.map { $0.name.count }.max()! + 4
            for field in task.options.fields {
                let flag = "--\(field.name)".padding(toLength: width, withPad: " ", startingAt: 0)
                lines.append("  \(flag)\(field.help) (default: \(field.defaultText.isEmpty ? "none" : field.defaultText); \(field.expected))")
            }
        }
        return lines.joined(separator: "\n")
    }
}
