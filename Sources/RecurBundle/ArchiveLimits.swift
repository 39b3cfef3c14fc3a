/// Size limits for reading a bundle, so a stranger's file cannot exhaust memory or disk
/// (a decompression bomb is refused when the expanded bytes pass `total`).
public struct ArchiveLimits: Sendable {
    /// Largest single member (weights of a big model fit comfortably).
    public var member: Int
    /// Largest sum of all expanded members.
    public var total: Int
    /// Most members in one archive.
    public var count: Int

    public init(member: Int = 4 << 30, total: Int = 8 << 30, count: Int = 64) {
        self.member = member
        self.total = total
        self.count = count
    }
}
