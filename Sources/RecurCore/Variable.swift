/// A node of the reverse-mode autodiff graph: a ``Tensor`` value, its accumulated gradient,
/// and (for results of operations) the local backward rule written beside the forward.
///
/// Leaves created with `requiresGrad: true` are parameters; their ``grad`` accumulates across
/// ``backward()`` calls until ``zeroGrad()``. Intermediate gradients are released after use.
public final class Variable {
    public internal(set) var value: Tensor
    /// Accumulated ∂L/∂value, same shape as `value`; `nil` until some gradient arrives.
    public var grad: Tensor?
    public let requiresGrad: Bool
    /// A short name for debugging (`"matmul"`, `"weight_ih_l0"`).
    public var label: String
    /// Keep this intermediate node's gradient after ``backward()`` (diagnostics such as ‖∂L/∂h_t‖).
    public var retainsGrad = false
    /// Set on the result of an ``embedding(_:ids:shape:rowScale:)``: which table rows it holds.
    public internal(set) var rowLookup: RowLookup?

    let parents: [Variable]
    /// Receives this node's gradient and adds the parents' shares into their `grad`.
    let backwardRule: ((Tensor) -> Void)?

    /// A leaf: a parameter (`requiresGrad: true`) or a constant.
    public init(_ value: Tensor, requiresGrad: Bool = false, label: String = "") {
        self.value = value
        self.requiresGrad = requiresGrad
        self.label = label
        self.parents = []
        self.backwardRule = nil
    }

    init(_ value: Tensor, parents: [Variable], label: String, backward: @escaping (Tensor) -> Void) {
        self.value = value
        self.requiresGrad = true
        self.label = label
        self.parents = parents
        self.backwardRule = backward
    }

    public var shape: [Int] { value.shape }
    public var isLeaf: Bool { backwardRule == nil }

    /// The result of an operation: records `backward` only when gradients are wanted.
    public static func result(_ value: Tensor, _ parents: [Variable], _ label: String,
                              backward: @escaping (Tensor) -> Void) -> Variable {
        if GradMode.isEnabled && parents.contains(where: { $0.requiresGrad }) {
            return Variable(value, parents: parents, label: label, backward: backward)
        }
        return Variable(value, label: label)
    }

    /// The same value cut off from the graph (truncated BPTT carries states this way).
    public func detached() -> Variable { Variable(value, label: label) }

    /// Replaces the value of a leaf in place (optimizers, checkpoint loading).
    public func assign(_ newValue: Tensor) {
        precondition(isLeaf, "assign: \(label) is not a leaf")
        Tensor.checkSameShape(value, newValue, "assign \(label)")
        value = newValue
    }

    /// Mutable access to a leaf's value storage (optimizer updates without copies).
    public func updateValue(_ body: (UnsafeMutablePointer<Float>) -> Void) {
        value.withMutablePointer(body)
    }

    public func zeroGrad() { grad = nil }

    /// Adds `body`'s contribution into this node's gradient, allocating zeros first if needed.
    /// `body` gets a pointer to `value.count` floats.
    public func accumulateGrad(_ body: (UnsafeMutablePointer<Float>) -> Void) {
        guard requiresGrad else { return }
        if grad == nil { grad = Tensor(zeros: value.shape) }
        grad!.scalars.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
    }

    /// ``accumulateGrad(_:)-swift.method`` for a `body` that can also write its contribution
    /// outright: with no gradient yet, `body` gets fresh storage and `first` true, and must write
    /// every one of the `value.count` floats (a product with beta 0); otherwise it adds, as
    /// there. A first gradient then costs no zero fill, and no read of zeros back.
    public func accumulateGrad(writingFirst body: (_ gradient: UnsafeMutablePointer<Float>, _ first: Bool) -> Void) {
        guard requiresGrad else { return }
        guard grad != nil else {
            grad = Tensor.make(value.shape) { body($0, true) }
            return
        }
        grad!.scalars.withUnsafeMutableBufferPointer { body($0.baseAddress!, false) }
    }

    /// Adds `g` (same shape) into this node's gradient.
    public func accumulateGrad(_ g: Tensor) {
        guard requiresGrad else { return }
        Tensor.checkSameShape(value, g, "gradient of \(label)")
        if grad == nil { grad = g; return }
        g.scalars.withUnsafeBufferPointer { src in
            accumulateGrad { dst in Kernels.add(dst, src.baseAddress!, into: dst, count: src.count) }
        }
    }

    /// Backpropagates from this node, seeding its gradient with ones (a scalar loss gives
    /// ∂L/∂L = 1), in one reverse sweep over a topological order of the graph.
    public func backward(seed: Tensor? = nil) {
        let order = topologicalOrder()
        accumulateGrad(seed ?? Tensor(shape: value.shape, repeating: 1))
        for node in order.reversed() {
            guard let rule = node.backwardRule, let g = node.grad else { continue }
            rule(g)
            if !node.retainsGrad { node.grad = nil }
        }
    }

    /// Parents before children; iterative so a 10,000-step unrolled graph cannot overflow the stack.
    func topologicalOrder() -> [Variable] {
        var order: [Variable] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(Variable, Bool)] = [(self, false)]
        while let (node, expanded) = stack.popLast() {
            if expanded { order.append(node); continue }
            guard node.requiresGrad, !node.isLeaf, visited.insert(ObjectIdentifier(node)).inserted else { continue }
            stack.append((node, true))
            for parent in node.parents where parent.requiresGrad && !parent.isLeaf
                && !visited.contains(ObjectIdentifier(parent)) {
                stack.append((parent, false))
            }
        }
        return order
    }
}

extension Variable: CustomStringConvertible {
    public var description: String { "Variable(\(label.isEmpty ? "-" : label), shape: \(shape))" }
}
