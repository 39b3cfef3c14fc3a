import CMalloc

/// glibc serves allocations above 128 KB with fresh `mmap`s and unmaps them on free, so every
/// training step paid page faults and zero-filling for its step-sized buffers (measured: about
/// 15% of an LSTM step in the kernel's page-fault path). Raising the thresholds keeps those
/// buffers in the heap, where the next step reuses them.
public enum AllocatorTuning {
    public static func keepLargeBuffersInHeap() {
        mallopt(M_MMAP_THRESHOLD, 512 << 20)
        mallopt(M_TRIM_THRESHOLD, 1 << 30)
    }
}
