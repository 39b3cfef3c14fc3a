/// One worker's share of every ``ResidentStack`` step: its ``ResidentLayer/Part`` of each layer
/// and every buffer it touches, held so that no object another worker uses is reached per step.
///
/// When both workers walked the stack's layer list, each layer's part list and state buffers and
/// the shared barrier, every access retained and released those shared objects from both cores
/// (`swift_retain`/`swift_release` 10% of a two-thread int4 step, perf, 2×512 LSTM; under 0.2% on
/// one thread). A worker keeps its own parts, plain pointers for the shared buffers, an
/// unretained barrier, and its own cache line for the step parity. What remains (8%) is the
/// retain of a part's own pointer lists around the gate kernel: its locked instruction waits for
/// the h just stored to lines the other worker reads, a wait the barrier would pay otherwise.
final class ResidentWorker {
    /// This worker's part of layer l, for every l.
    let parts: [ResidentLayer.Part]
    /// Per layer, where its residual sum `h + x` goes (`[H]`, this worker's units written), or
    /// nil for the first layer and stacks without residual connections. Two buffers alternate,
    /// so that one layer's sum never overwrites the input the other worker is still reading.
    let residualSums: [UnsafeMutablePointer<Float>?]
    /// Owned by the crew, which outlives every step; unretained so the two workers never write
    /// its reference count.
    unowned(unsafe) let barrier: StepBarrier?
    /// Which state set holds the current state (every layer flips it once per step), on a
    /// 64-byte line of its own: the other worker writes its own parity every step too.
    private let parity: UnsafeMutablePointer<Int>

    init(parts: [ResidentLayer.Part], residualSums: [UnsafeMutablePointer<Float>?], barrier: StepBarrier?) {
        self.parts = parts
        self.residualSums = residualSums
        self.barrier = barrier
        parity = UnsafeMutableRawPointer.allocate(byteCount: 64, alignment: 64).bindMemory(to: Int.self, capacity: 1)
        parity.initialize(to: 0)
    }

    deinit { UnsafeMutableRawPointer(parity).deallocate() }

    /// The state set the next step reads.
    var current: Int { parity.pointee }

    /// Back to state set 0 (``ResidentStack/reset(_:)`` writes it).
    func reset() { parity.pointee = 0 }

    /// This worker's units of one step, with a barrier after each layer so the next reads a
    /// whole h. `input` is the first layer's input `[X]`, or its projection row when
    /// `projected`. Returns the top layer's whole h, complete once the last barrier is passed.
    func run(_ input: UnsafePointer<Float>, projected: Bool) -> UnsafePointer<Float> {
        let current = parity.pointee
        parity.pointee = current ^ 1
        var h = projected ? parts[0].advance(projectedInput: input, current: current)
            : parts[0].advance(input: input, current: current)
        barrier?.wait()
        for l in parts.indices.dropFirst() {
            let x = h
            let part = parts[l]
            let next = part.advance(input: x, current: current)
            if let sum = residualSums[l] {
                let first = part.units.lowerBound
                Kernels.add(next + first, x + first, into: sum + first, count: part.units.count)
                h = UnsafePointer(sum)
            } else {
                h = next
            }
            barrier?.wait()
        }
        return h
    }
}
