/// Size limits for reading a bundle, so a stranger's file cannot exhaust memory or disk.
///
/// Every member's size is known before its data is read (the manifest comes first and lists
/// them), so a decompression bomb is refused from the sizes alone: no member may be larger than
/// `member`, and all of them together no larger than `total` or than the bundle's own size times
/// `expansion` (with `smallBundle` as the floor, for tiny bundles). Weights and optimizer state
/// barely compress (a real bundle expands about 1.2×), so only crafted files come near the ratio.
public struct ArchiveLimits: Sendable {
    /// Largest single member (weights of a big model fit comfortably).
    public var member: Int
    /// Largest sum of all expanded members.
    public var total: Int
    /// Most members in one archive.
    public var count: Int
    /// Largest `manifest.json`, which is read before anything is checked against it.
    public var manifest: Int
    /// Most expanded bytes per byte of the bundle file…
    public var expansion: Int
    /// …except that a bundle may always expand to this many bytes.
    public var smallBundle: Int

    public init(member: Int = 1 << 30, total: Int = 2 << 30, count: Int = 64, manifest: Int = 1 << 20,
                expansion: Int = 32, smallBundle: Int = 64 << 20) {
        self.member = member
        self.total = total
        self.count = count
        self.manifest = manifest
        self.expansion = expansion
        self.smallBundle = smallBundle
    }

    /// The most a bundle file of `size` bytes may expand to.
    public func expandedLimit(forBundleOf size: Int) -> Int {
        let (scaled, overflow) = size.multipliedReportingOverflow(by: expansion)
        return min(total, max(smallBundle, overflow ? Int.max : scaled))
    }
}
