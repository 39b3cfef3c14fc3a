/// Renames of parameters between Recur versions, applied to every checkpoint, bundle and state
/// dict as it is read, so that runs and bundles written before a rename keep loading.
///
/// One naming scheme for embeddings: a model's own input embedding is `encoder.weight` (the name
/// PyTorch's word_language_model gives it, which char-lm and conditional-lm always used); an
/// embedding inside a sub-module is `<sub-module>.embedding.weight` (translation's
/// `encoder.embedding` and `decoder.embedding`, tagging's `chars.embedding`).
///
/// - 1: classification and tagging named their input embedding `embedding.weight`; it is
///   `encoder.weight` now (in the weights and in each optimizer buffer of it).
///
/// A rename applies only to the tasks that used the old name, and only when the file has the
/// old name and not the new one, so it is idempotent and never touches an out-of-tree task's names.
public enum WeightNameMigrations {
    struct Rename {
        let tasks: Set<String>
        let old: String
        let new: String
    }

    static let renames = [Rename(tasks: ["classification", "tagging"], old: "embedding.weight", new: "encoder.weight")]

    /// `weights` with old names replaced for `task`.
    public static func upgrade(weights: [String: Tensor], task: String) -> [String: Tensor] {
        var upgraded = weights
        for rename in renames where rename.tasks.contains(task) && upgraded[rename.new] == nil {
            if let value = upgraded.removeValue(forKey: rename.old) { upgraded[rename.new] = value }
        }
        return upgraded
    }

    /// Optimizer buffers are keyed `<kind>.<parameter>` (`exp_avg.embedding.weight`).
    public static func upgrade(optimizerState: [String: Tensor], task: String) -> [String: Tensor] {
        var upgraded = optimizerState
        for rename in renames where rename.tasks.contains(task) {
            for key in optimizerState.keys {
                guard let dot = key.firstIndex(of: "."), key[key.index(after: dot)...] == rename.old else { continue }
                let renamed = "\(key[..<dot]).\(rename.new)"
                guard upgraded[renamed] == nil else { continue }
                upgraded[renamed] = upgraded.removeValue(forKey: key)
            }
        }
        return upgraded
    }

    /// The checkpoint with its weights and optimizer state upgraded for `task`.
    public static func upgrade(_ checkpoint: Checkpoint, task: String) -> Checkpoint {
        var upgraded = checkpoint
        upgraded.weights = upgrade(weights: checkpoint.weights, task: task)
        upgraded.optimizerState = upgrade(optimizerState: checkpoint.optimizerState, task: task)
        return upgraded
    }
}
