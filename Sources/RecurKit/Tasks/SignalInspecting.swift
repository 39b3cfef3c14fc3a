/// A task whose model reads text one token at a time and can show its cells' internal signals
/// over a text (`recur states`).
public protocol SignalInspecting: TaskSession {
    /// The recurrent stack, its input `[T, 1, X]` for `text`, and the tokens, one per step.
    func signalInput(text: String) throws -> (stack: RecurrentStack, input: Variable, tokens: [String])
}
