import Foundation
import Synchronization
import XCTest
@testable import RecurCore

/// The team that splits products and element-wise work between threads, and what runs on it:
/// every split must give what one thread gives.
final class WorkerTeamTests: XCTestCase {
    private var saved: (threads: Int, volume: Int, spin: UInt64) = (1, 0, 0)

    override func setUp() {
        saved = (BLAS.threads, BLAS.parallelVolume, WorkerTeam.spinNanoseconds)
    }

    override func tearDown() {
        (BLAS.threads, BLAS.parallelVolume, WorkerTeam.spinNanoseconds) = saved
    }

    /// Each worker index runs once per job, on as many distinct threads, through both of a
    /// worker's ways to its next job: still polling, and asleep on its semaphore.
    func testEveryWorkerRunsOncePerJobWhetherPollingOrAsleep() {
        for spin: UInt64 in [0, 50_000_000] {
            WorkerTeam.spinNanoseconds = spin
            for job in 0..<2_000 {
                let workers = 2 + job % 3
                let counts = Mutex([Int](repeating: 0, count: workers))
                let ran = WorkerTeam.shared.run(workers: workers) { w in counts.withLock { $0[w] += 1 } }
                XCTAssertTrue(ran)
                XCTAssertEqual(counts.withLock { $0 }, Array(repeating: 1, count: workers), "job \(job), spin \(spin) ns")
                if spin == 0 && job % 50 == 0 { usleep(2_000) }   // let the workers fall asleep first
            }
        }
    }

    /// A job started from inside a job is refused (the caller then works alone) rather than
    /// waiting for a team that is waiting for it.
    func testAJobInsideAJobIsRefused() {
        let nested = Atomic<Int>(0)
        XCTAssertTrue(WorkerTeam.shared.run(workers: 2) { _ in
            if !WorkerTeam.shared.run(workers: 2, { _ in }) { nested.add(1, ordering: .relaxed) }
        })
        XCTAssertEqual(nested.load(ordering: .relaxed), 2)
    }

    /// `share` hands out every index exactly once, in at most `BLAS.threads` parts of at least `minimum`.
    func testShareCoversTheRangeOnceInLargeEnoughParts() {
        for (threads, count, minimum, parts) in [(1, 100, 10, 1), (2, 100, 10, 2), (2, 19, 10, 1), (3, 100, 30, 3),
                                                 (3, 100, 40, 2), (2, 0, 1, 1), (4, 7, 1, 4)] {
            BLAS.threads = threads
            let seen = Mutex([Range<Int>]())
            WorkerTeam.shared.share(count, minimum: minimum) { part in seen.withLock { $0.append(part) } }
            let ranges = seen.withLock { $0 }.sorted { $0.lowerBound < $1.lowerBound }
            XCTAssertEqual(ranges.count, parts, "\(threads) threads, \(count) items, minimum \(minimum)")
            XCTAssertEqual(ranges.flatMap { Array($0) }, Array(0..<count))
        }
    }

    /// A product split into row or column blocks of C between workers equals OpenBLAS's product
    /// on one thread: each transpose, alpha and beta, strided operands, and sizes that are not
    /// multiples of the 16-wide strips the split uses.
    func testASplitProductEqualsTheProductOnOneThread() {
        var rng = RandomGenerator(seed: 7)
        for (m, n, k) in [(37, 1_000, 9), (1_000, 37, 9), (130, 129, 33), (16, 70, 3), (70, 16, 300), (1, 40, 5)] {
            for transposeA in [false, true] {
                for transposeB in [false, true] {
                    let (lda, ldb, ldc) = ((transposeA ? m : k) + 3, (transposeB ? k : n) + 1, n + 2)
                    let a = rng.uniformTensor([transposeA ? k : m, lda], -1, 1)
                    let b = rng.uniformTensor([transposeB ? n : k, ldb], -1, 1)
                    let c0 = rng.uniformTensor([m, ldc], -1, 1)
                    func product(threads: Int) -> [Float] {
                        BLAS.threads = threads
                        BLAS.parallelVolume = 1
                        var c = c0
                        a.withPointer { pa in b.withPointer { pb in c.withMutablePointer { pc in
                            BLAS.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 0.75,
                                      a: pa, lda: lda, b: pb, ldb: ldb, beta: 0.5, c: pc, ldc: ldc)
                        } } }
                        return c.scalars
                    }
                    let one = product(threads: 1)
                    for threads in [2, 3] {
                        let split = product(threads: threads)
                        let worst = zip(one, split).map { abs($0 - $1) / max(1, abs($0)) }.max() ?? 0
                        XCTAssertLessThan(worst, 1e-5, "\(m)×\(k)·\(k)×\(n) Aᵀ \(transposeA) Bᵀ \(transposeB), \(threads) threads")
                        // The padding between rows of C is never written.
                        for r in 0..<m { for j in n..<ldc { XCTAssertEqual(split[r * ldc + j], c0.scalars[r * ldc + j]) } }
                    }
                }
            }
        }
    }

    /// The element-wise work shared between threads — log-softmax and cross-entropy over the
    /// logits, their gradient, Adam's step, a one-hot input's weight gradient and a bias
    /// gradient's row sum (column blocks read with the whole row's stride) — gives the same bits
    /// on two and three threads as on one.
    func testSharedElementwiseWorkHasTheBitsOfOneThread() {
        var rng = RandomGenerator(seed: 11)
        let logits = rng.uniformTensor([700, 65], -4, 4)
        let targets = (0..<700).map { Int32(($0 * 7) % 65) }
        let columns: [Int32] = (0..<900).map { (r: Int) -> Int32 in r % 11 == 0 ? -1 : Int32((r * 5) % 40) }
        let gradient = rng.uniformTensor([900, 300], -1, 1)
        let weight = rng.uniformTensor([50_000], -1, 1), weightGrad = rng.uniformTensor([50_000], -1, 1)
        func run(threads: Int) -> [[Float]] {
            BLAS.threads = threads
            let z = Variable(logits, requiresGrad: true)
            let loss = crossEntropy(logits: z, targets: targets)
            loss.backward()
            let soft = logSoftmax(Variable(logits)).value
            var scatter = Tensor(zeros: [300, 41])
            scatter.withMutablePointer { gb in gradient.withPointer { g in
                OneHotRows(columns: columns, width: 40).accumulateProductTransposed(g, ldg: 300, n: 300, into: gb, ldb: 41)
            } }
            let p = Variable(weight, requiresGrad: true)
            p.grad = weightGrad
            let adam = Adam(learningRate: 0.01)
            adam.step([("w", p)])
            adam.step([("w", p)])
            var rowSum = Tensor(zeros: [300])
            rowSum.withMutablePointer { d in gradient.withPointer { Kernels.accumulateRowSum($0, into: d, rows: 900, columns: 300) } }
            return [loss.value.scalars, z.grad!.scalars, soft.scalars, scatter.scalars, p.value.scalars, rowSum.scalars]
        }
        let one = run(threads: 1)
        for threads in [2, 3] {
            let many = run(threads: threads)
            for (name, (x, y)) in zip(["loss", "∂logits", "log-softmax", "one-hot ∂W", "Adam", "row sum"], zip(one, many)) {
                XCTAssertEqual(x.map(\.bitPattern), y.map(\.bitPattern), "\(name), \(threads) threads")
            }
        }
    }

    /// One-hot detection split between workers finds the same columns, and any worker's row that
    /// is not one-hot (first, middle or last) makes the whole matrix dense.
    func testOneHotDetectionOnSeveralThreads() {
        let (rows, width) = (3_000, 40)
        let columns: [Int32] = (0..<rows).map { (r: Int) -> Int32 in r % 7 == 0 ? -1 : Int32((r * 3) % width) }
        var x = Tensor(zeros: [rows, width])
        for (r, c) in columns.enumerated() where c >= 0 { x.scalars[r * width + Int(c)] = 1 }
        for threads in [1, 2, 3] {
            BLAS.threads = threads
            XCTAssertEqual(x.withPointer { OneHotRows($0, rows: rows, width: width) }?.columns, columns, "\(threads) threads")
            for bad in [1, rows / 2, rows - 1] {
                var y = x
                y.scalars[bad * width + 5] = 0.5
                XCTAssertNil(y.withPointer { OneHotRows($0, rows: rows, width: width) }, "row \(bad), \(threads) threads")
            }
        }
    }
}
