import Foundation

/// How the learning rate moves during training (`--lr-schedule`).
///
/// The rate of optimizer step `s` (0-based) is `lr · warm(s) · f(s)`, where the linear warm-up
/// is `warm(s) = min(1, (s + 1) / warmup)` and `f` is the schedule's factor:
///
/// | kind | f(s) | as |
/// |---|---|---|
/// | `constant` | 1 | |
/// | `step` | γ^⌊s / stepSize⌋ | `torch.optim.lr_scheduler.StepLR` |
/// | `cosine` | ½(1 + cos(π · min(1, (s − warmup) / (S − warmup)))) for s ≥ warmup, S the planned steps | cosine decay to 0 after warm-up |
/// | `plateau` | γ^k after k reductions: one whenever `patience` evaluations in a row fail to improve the monitored metric | `ReduceLROnPlateau(factor=γ, patience, threshold=0)` |
/// | `wlm` | ¼^k: a reduction after every evaluation whose `val_loss` is not a new best | PyTorch's word_language_model example (`lr /= 4.0`) |
///
/// `step` and `cosine` are functions of the step alone; `plateau` and `wlm` carry
/// ``LearningRateSchedule/State`` in the checkpoint, so a resumed run continues exactly.
public struct LearningRateSchedule: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case constant, step, cosine, plateau, wlm
    }

    public var kind: Kind
    /// Steps of linear warm-up (0: none); applies to every kind.
    public var warmup: Int
    /// `step`: steps between reductions.
    public var stepSize: Int?
    /// `step` and `plateau`: the factor of each reduction.
    public var gamma: Float
    /// `plateau`: evaluations without improvement tolerated before a reduction.
    public var patience: Int

    /// PyTorch's defaults: γ = 0.1 (StepLR, ReduceLROnPlateau), patience 10.
    public init(kind: Kind = .constant, warmup: Int = 0, stepSize: Int? = nil, gamma: Float = 0.1, patience: Int = 10) {
        self.kind = kind
        self.warmup = warmup
        self.stepSize = stepSize
        self.gamma = gamma
        self.patience = patience
    }

    /// The state of the metric-driven kinds: the factor so far and the evaluations since the
    /// last improvement or reduction.
    public struct State: Codable, Sendable, Equatable {
        public var factor: Double = 1
        public var badEvaluations: Int = 0
        public init() {}
    }

    /// The learning rate of step `step` (0-based), for a run of `plannedSteps` steps.
    public func rate(base: Float, step: Int, plannedSteps: Int?, state: State) -> Float {
        let warm = warmup > 0 && step < warmup ? Double(step + 1) / Double(warmup) : 1
        let factor: Double
        switch kind {
        case .constant: factor = 1
        case .step: factor = pow(Double(gamma), Double(step / max(stepSize ?? 1, 1)))
        case .cosine:
            let total = plannedSteps ?? step + 1
            let span = max(total - warmup, 1)
            let progress = min(1, Double(max(step - warmup, 0)) / Double(span))
            factor = 0.5 * (1 + cos(Double.pi * progress))
        case .plateau, .wlm: factor = state.factor
        }
        return Float(Double(base) * warm * factor)
    }

    /// Updates `state` after an evaluation; `improved` says whether the monitored metric
    /// (`val_loss` for `wlm`) reached a new best. Returns whether the rate was reduced.
    @discardableResult
    public func evaluated(improved: Bool, state: inout State) -> Bool {
        switch kind {
        case .constant, .step, .cosine: return false
        case .plateau, .wlm:
            if improved { state.badEvaluations = 0; return false }
            state.badEvaluations += 1
            let (tolerated, reduction) = kind == .wlm ? (0, 0.25) : (patience, Double(gamma))
            guard state.badEvaluations > tolerated else { return false }
            state.factor *= reduction
            state.badEvaluations = 0
            return true
        }
    }

    /// Refuses a kind without what it needs (a run's values are checked with the rest of its
    /// config: ``RunConfig/regimeRules``).
    public func checkComplete(plannedSteps: Int?) throws {
        if kind == .step && stepSize == nil { throw RunError("--lr-schedule step needs --lr-step N (steps between reductions)") }
        if kind == .cosine && plannedSteps == nil {
            throw RunError("--lr-schedule cosine decays over the planned steps: give --steps or --epochs (a --minutes budget alone has no end step)")
        }
    }
}
