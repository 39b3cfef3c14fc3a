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
            if spins > 2000 { sched_yield() }
        }
    }
}

/// Persistent threads for the recurrent sweep, so that a pass splits its time loop between cores
/// without Dispatch (whose pool may run the parts one after another, which with a spinning barrier
/// would never finish). Worker 0 is the calling thread.
final class RecurrentTeam: @unchecked Sendable {
    static let shared = RecurrentTeam()

    private let busy = NSLock()
    private let guardian = NSLock()
    private var threads: [(start: DispatchSemaphore, Thread)] = []
    private let done = DispatchSemaphore(value: 0)
    private var job: ((Int) -> Void)?

    /// Runs `body(worker)` for `workers` workers at once and returns when all have finished.
    /// Returns false without running anything when the team is serving another pass (then the
    /// caller runs the pass with one worker).
    func run(workers: Int, _ body: (Int) -> Void) -> Bool {
        guard workers > 1 else { body(0); return true }
        guard busy.try() else { return false }
        return withoutActuallyEscaping(body) { runLocked(workers: workers, $0) }
    }

    private func runLocked(workers: Int, _ body: @escaping (Int) -> Void) -> Bool {
        defer { busy.unlock() }
        guardian.lock()
        while threads.count < workers - 1 {
            let index = threads.count + 1
            let start = DispatchSemaphore(value: 0)
            let thread = Thread { [unowned self] in
                while true {
                    start.wait()
                    self.job?(index)
                    self.done.signal()
                }
            }
            thread.name = "recur-recurrent-\(index)"
            thread.start()
            threads.append((start, thread))
        }
        guardian.unlock()
        job = body
        for w in 0..<(workers - 1) { threads[w].start.signal() }
        body(0)
        for _ in 0..<(workers - 1) { done.wait() }
        job = nil
        return true
    }
}
