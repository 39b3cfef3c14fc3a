#if canImport(Glibc)
import Glibc
#endif

/// One recorded operation of the engine, with the attributes needed to run it again on other
/// operands (``apply(_:)``). The tracer of user cells (RecurKit's `TracedStep`) builds its small
/// IR from these.
public enum TracedOp: Equatable, Sendable {
    case add, sub, mul, div
    /// a · s, a + s, s − a for a constant s.
    case scale(Float), addScalar(Float), rsubScalar(Float)
    case tanh, sigmoid, relu, exp, log
    /// op(A)·op(B) of two matrices.
    case matmul(transposeA: Bool, transposeB: Bool)
    /// `length` entries from `start` along `axis` (as given, possibly negative).
    case slice(axis: Int, start: Int, length: Int)
    case concat(axis: Int)
    case layerNorm(epsilon: Float)

    /// Runs the operation again through the public op, so the result is an ordinary tape node.
    public func apply(_ inputs: [Variable]) -> Variable {
        switch self {
        case .add: return inputs[0] + inputs[1]
        case .sub: return inputs[0] - inputs[1]
        case .mul: return inputs[0] * inputs[1]
        case .div: return inputs[0] / inputs[1]
        case .scale(let s): return inputs[0] * s
        case .addScalar(let s): return inputs[0] + s
        case .rsubScalar(let s): return s - inputs[0]
        case .tanh: return inputs[0].tanh()
        case .sigmoid: return inputs[0].sigmoid()
        case .relu: return inputs[0].relu()
        case .exp: return inputs[0].exp()
        case .log: return inputs[0].log()
        case .matmul(let ta, let tb): return RecurCore.matmul(inputs[0], inputs[1], transposeA: ta, transposeB: tb)
        case .slice(let axis, let start, let length): return inputs[0].slice(axis: axis, start: start, length: length)
        case .concat(let axis): return RecurCore.concat(inputs, axis: axis)
        case .layerNorm(let epsilon): return RecurCore.layerNorm(inputs[0], epsilon: epsilon)
        }
    }
}

/// Receives every traced operation while installed with ``OpTrace/recording(_:_:)``.
public protocol OpRecorder: AnyObject {
    func record(_ op: TracedOp, inputs: [Variable], output: Variable)
}

/// The recording hook of the engine's operations, off unless a tracer installs a recorder on
/// this thread. Off, it costs each op one thread-local read (as ``GradMode`` does) and no
/// allocation: the operand list is built only when a recorder listens.
public enum OpTrace {
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// Runs `body` with every traced op reported to `recorder`; restores the previous one after.
    public static func recording<R>(_ recorder: OpRecorder, _ body: () throws -> R) rethrows -> R {
        let previous = pthread_getspecific(key)
        let retained = Unmanaged.passRetained(recorder as AnyObject)
        pthread_setspecific(key, retained.toOpaque())
        defer {
            pthread_setspecific(key, previous)
            retained.release()
        }
        return try body()
    }

    @inline(__always)
    private static var current: OpRecorder? {
        guard let raw = pthread_getspecific(key) else { return nil }
        return Unmanaged<AnyObject>.fromOpaque(raw).takeUnretainedValue() as? OpRecorder
    }

    @inline(__always)
    static func note(_ op: TracedOp, _ a: Variable, _ output: Variable) -> Variable {
        if pthread_getspecific(key) != nil, let recorder = current { recorder.record(op, inputs: [a], output: output) }
        return output
    }

    @inline(__always)
    static func note(_ op: TracedOp, _ a: Variable, _ b: Variable, _ output: Variable) -> Variable {
        if pthread_getspecific(key) != nil, let recorder = current { recorder.record(op, inputs: [a, b], output: output) }
        return output
    }

    @inline(__always)
    static func note(_ op: TracedOp, _ inputs: [Variable], _ output: Variable) -> Variable {
        if pthread_getspecific(key) != nil, let recorder = current { recorder.record(op, inputs: inputs, output: output) }
        return output
    }
}
