import Foundation
import Synchronization

/// A spinning barrier for the workers of one recurrent sweep: one `wait()` per time step.
///
/// A step of a small LSTM takes tens of microseconds, less than waking a sleeping thread, so
/// workers spin on an atomic generation counter. When the machine is oversubscribed a spinning
/// worker would steal the core its partner needs, so after a short spin it yields the CPU.
final class StepBarrier: @unchecked Sendable {
    let parties: Int
    private let arrived = Atomic<Int>(0)
    private let generation = Atomic<Int>(0)

    init(parties: Int) { self.parties = parties }

    /// Spins before a waiter starts yielding: about 30 µs. A spin is about 0.6 ns and a
    /// `sched_yield` 0.5 µs (Zen 4 under KVM), and the waits of a batch-1 step are 0.2–2 µs, so
    /// at the earlier 2,000 (1.2 µs) a worker was often inside a yield when its partner arrived:
    /// the crew then started a 2×512 LSTM's step 0.45–0.6 µs after it was published, against
    /// 0.15–0.25 µs with this.
    static let spinsBeforeYield = 50_000

    func wait() {
        guard parties > 1 else { return }
        let mine = generation.load(ordering: .acquiring)
        // The RMW chain on `arrived` orders every worker's writes before the last arrival's
        // release of the new generation, which each waiter acquires.
        if arrived.add(1, ordering: .acquiringAndReleasing).newValue == parties {
            arrived.store(0, ordering: .relaxed)
            generation.add(1, ordering: .releasing)
            return
        }
        var spins = 0
        while generation.load(ordering: .acquiring) == mine {
            spins += 1
            if spins > Self.spinsBeforeYield { sched_yield() }
        }
    }
}
