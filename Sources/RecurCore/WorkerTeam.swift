import Foundation
import Synchronization

/// Persistent threads that split one piece of work between cores: a recurrent sweep (each worker
/// owns some hidden units) or a large matrix product (each worker owns some rows or columns of C).
///
/// Recur keeps OpenBLAS single-threaded and splits its products here instead (``BLAS/gemm``), so
/// that the process never has more busy threads than `--threads`: OpenBLAS's own workers spin on
/// `sched_yield` for about 0.1 s after each product, and on two cores they took turns with the
/// sweep's workers, whose barrier waits for the slowest of them every time step.
///
/// Between jobs a worker polls for ``spinNanoseconds``, then sleeps on a semaphore. Dispatch is not
/// used because its pool may run the parts one after another, which with the sweep's spinning
/// barrier would never finish. Worker 0 is the calling thread.
public final class WorkerTeam: @unchecked Sendable {
    /// The process's team.
    public static let shared = WorkerTeam()

    /// How long a worker keeps polling for the next job before it sleeps. A training step hands
    /// the team a job every few hundred microseconds (products, the loss, the optimizer); with
    /// workers that slept between jobs, LSTM SMALL on two threads trained 10% slower than with
    /// OpenBLAS's own threads, and with polling workers 10% faster (docs/engine-notes.md).
    public nonisolated(unsafe) static var spinNanoseconds: UInt64 = 2_000_000

    private final class Worker: Sendable {
        let start = DispatchSemaphore(value: 0)
        /// The last generation the worker served while it sleeps waiting for the next, −1 while awake.
        /// A worker that has already served the newest job and fell asleep again must not be woken
        /// for it a second time, hence the generation rather than a flag.
        let asleepAfter = Atomic<Int>(-1)
    }

    private let busy = NSLock()
    private let guardian = NSLock()
    private var workers: [Worker] = []
    private let generation = Atomic<Int>(0)
    private let remaining = Atomic<Int>(0)
    private var job: ((Int) -> Void)?
    private var jobWorkers = 0

    /// Runs `body(worker)` for `workers` workers at once and returns when all have finished.
    /// Returns false without running anything when the team is serving another job (a job
    /// started from inside a job, or from another thread); the caller then does the work alone.
    public func run(workers: Int, _ body: (Int) -> Void) -> Bool {
        guard workers > 1 else { body(0); return true }
        guard busy.try() else { return false }
        return withoutActuallyEscaping(body) { runLocked(workers: workers, $0) }
    }

    private func runLocked(workers count: Int, _ body: @escaping (Int) -> Void) -> Bool {
        defer { busy.unlock() }
        guardian.lock()
        while workers.count < count - 1 {
            // A new worker starts at the current generation: the job it is made for comes next.
            let worker = Worker(), index = workers.count + 1, current = generation.load(ordering: .relaxed)
            let thread = Thread { [unowned self] in serve(worker, index: index, seen: current) }
            thread.name = "recur-worker-\(index)"
            thread.start()
            workers.append(worker)
        }
        guardian.unlock()
        job = body
        jobWorkers = count
        remaining.store(workers.count, ordering: .relaxed)   // every worker answers every job
        // Sequentially consistent with the workers' `asleepAfter` store and generation check, so a
        // worker either sees this job or is seen asleep before it and woken.
        let previous = generation.add(1, ordering: .sequentiallyConsistent).oldValue
        for worker in workers where worker.asleepAfter.compareExchange(
            expected: previous, desired: -1, ordering: .sequentiallyConsistent).exchanged {
            worker.start.signal()
        }
        body(0)
        var spins = 0
        while remaining.load(ordering: .acquiring) > 0 {
            spins += 1
            if spins > 10_000 { sched_yield() }
        }
        job = nil
        return true
    }

    /// A worker's life: poll for a new generation, sleep after ``spinNanoseconds`` without one.
    private func serve(_ worker: Worker, index: Int, seen start: Int) {
        var seen = start
        while true {
            var spins = 0
            var deadline: UInt64 = 0
            while generation.load(ordering: .acquiring) == seen {
                spins += 1
                guard spins & 255 == 0 else { continue }
                // On a machine with more busy threads than cores, give way to them.
                if spins > 4096 { sched_yield() }
                let now = DispatchTime.now().uptimeNanoseconds
                if deadline == 0 { deadline = now + WorkerTeam.spinNanoseconds; continue }
                guard now >= deadline else { continue }
                worker.asleepAfter.store(seen, ordering: .sequentiallyConsistent)
                if generation.load(ordering: .sequentiallyConsistent) != seen,
                   worker.asleepAfter.compareExchange(expected: seen, desired: -1, ordering: .sequentiallyConsistent).exchanged {
                    break   // a job came as it fell asleep, and no one signalled
                }
                worker.start.wait()
                break
            }
            seen = generation.load(ordering: .acquiring)
            // A worker beyond this job's count (a wider job earlier) only marks itself done.
            if index < jobWorkers { job?(index) }
            remaining.subtract(1, ordering: .releasing)
        }
    }
}

extension WorkerTeam {
    /// Runs `body` on contiguous parts of `0..<count`, one per worker, at once: as many workers as
    /// ``BLAS/threads`` allows with parts of at least `minimum`. With one worker, or while the team
    /// serves another job, `body` gets the whole range on this thread.
    ///
    /// For the element-wise work between products (the loss over the logits, the optimizer step,
    /// a one-hot input's weight gradient) that would otherwise run on one core while the others wait.
    /// Each item must be independent of the others, so the result has the same bits either way.
    public func share(_ count: Int, minimum: Int, _ body: (Range<Int>) -> Void) {
        let workers = min(BLAS.threads, count / max(1, minimum))
        if workers > 1 {
            let part = (count + workers - 1) / workers
            let done = run(workers: workers) { w in
                let lower = min(count, w * part)
                body(lower..<min(count, lower + part))
            }
            if done { return }
        }
        body(0..<count)
    }
}

/// Floats of element-wise work worth waking a worker for: about 15–30 µs on one core, against a
/// few microseconds to wake it (``WorkerTeam/share(_:minimum:_:)``).
let elementwiseShare = 16_384
