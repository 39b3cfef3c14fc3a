/// Recur's own version, written into bundles.
public enum RecurVersion {
    public static let current = "0.1.0"
}
