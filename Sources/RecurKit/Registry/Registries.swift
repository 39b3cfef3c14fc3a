/// The process-wide registries the host fills at start-up (`registerBuiltins`) and plugins join.
/// Tests make their own ``Registry`` instances instead of touching these.
public enum Registries {
    public static let cells = Registry<CellDescriptor>(kind: "cell")
    public static let tasks = Registry<TaskDescriptor>(kind: "task")
}
