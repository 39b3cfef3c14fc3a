import Foundation
import Synchronization

/// The second worker of a two-worker ``ResidentStack``: one thread that runs its share of every
/// batch-1 step the caller publishes.
///
/// A step of a 2×512 LSTM takes about 40 µs at two workers, less than waking a sleeping thread
/// (a semaphore round trip costs several µs and lands on a cold core), so between steps the
/// worker spins on a generation counter. While the caller does the rest of a token (decoder,
/// sampling, printing) the spin is short; when nothing is published for a millisecond (the
/// generation has ended, or the caller waits for input) the worker parks on a semaphore, so an
/// idle model costs no CPU. Spinning yields the core after a while, so an oversubscribed machine
/// still makes progress.
final class ResidentCrew: @unchecked Sendable {
    /// The step barrier both workers pass after each layer. The crew keeps it alive: its
    /// thread holds the crew until it ends, so the barrier outlives the worker's last wait
    /// even when the stack is released first.
    let barrier: StepBarrier
    private let generation = Atomic<Int>(0)
    private let parked = Atomic<Bool>(false)
    private let stopping = Atomic<Bool>(false)
    private let wake = DispatchSemaphore(value: 0)

    /// Starts the thread; `work` runs worker 1's share of one published step.
    init(barrier: StepBarrier, work: @escaping @Sendable () -> Void) {
        self.barrier = barrier
        let thread = Thread { [self] in serve(work) }
        thread.name = "recur-resident-1"
        thread.start()
    }

    /// Tells the worker a step is ready (its input written before this call).
    func publish() {
        generation.add(1, ordering: .sequentiallyConsistent)
        if parked.exchange(false, ordering: .sequentiallyConsistent) { wake.signal() }
    }

    /// Ends the thread after any step in flight.
    func stop() {
        stopping.store(true, ordering: .sequentiallyConsistent)
        publish()
    }

    private func serve(_ work: () -> Void) {
        var seen = 0
        while true {
            waitForStep(after: seen)
            seen = generation.load(ordering: .acquiring)
            if stopping.load(ordering: .acquiring) { return }
            work()
        }
    }

    /// Spins (yielding after a while) until the generation moves past `seen`; parks after 1 ms.
    private func waitForStep(after seen: Int) {
        var spins = 0
        var since: ContinuousClock.Instant?
        while generation.load(ordering: .acquiring) == seen {
            spins += 1
            if spins < StepBarrier.spinsBeforeYield { continue }
            sched_yield()
            if spins & 255 != 0 { continue }
            let now = ContinuousClock.now
            guard let start = since else { since = now; continue }
            guard now - start > .milliseconds(1) else { continue }
            // Park. A publish between the store and the check finds `parked` true and signals,
            // or this check sees its generation and takes the flag back itself.
            parked.store(true, ordering: .sequentiallyConsistent)
            if generation.load(ordering: .sequentiallyConsistent) != seen {
                if !parked.exchange(false, ordering: .sequentiallyConsistent) { wake.wait() }
                return
            }
            wake.wait()
            return
        }
    }
}
