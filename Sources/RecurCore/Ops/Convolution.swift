import Dispatch

/// A shape that a convolution or pooling op cannot take, in one line naming the shapes.
public struct WindowShapeError: Error, CustomStringConvertible, Equatable {
    public let description: String
}

/// The output shape of ``conv2d(_:weight:bias:stride:padding:)`` for these shapes, or why there is none.
public func conv2dOutputShape(input: [Int], weight: [Int], bias: [Int]? = nil, stride: Int = 1, padding: Int = 0) throws -> [Int] {
    try WindowGeometry.convolution(input: input, weight: weight, bias: bias, stride: stride, padding: padding).outputShape
}

/// The output shape of ``maxPool2d(_:kernel:stride:)`` and ``avgPool2d(_:kernel:stride:)``, or why there is none.
public func pool2dOutputShape(input: [Int], kernel: Int, stride: Int? = nil) throws -> [Int] {
    try WindowGeometry(op: "pool2d", input: input, kernelHeight: kernel, kernelWidth: kernel, stride: stride ?? kernel, padding: 0).outputShape
}

/// The sizes of one 2-D sliding window over a batch `[B, C, H, W]`: conv2d's and the pooling ops'.
///
/// Output extent per axis, as PyTorch (floor mode): H' = ⌊(H + 2p − kh) / s⌋ + 1.
struct WindowGeometry {
    let batch: Int, channels: Int, height: Int, width: Int
    let kernelHeight: Int, kernelWidth: Int
    let stride: Int, padding: Int
    let outHeight: Int, outWidth: Int
    /// Output channels: O for a convolution, C for pooling.
    var outChannels: Int

    init(op: String, input shape: [Int], kernelHeight: Int, kernelWidth: Int, stride: Int, padding: Int) throws {
        func fail(_ why: String) -> WindowShapeError { WindowShapeError(description: "\(op): \(why)") }
        guard shape.count == 4, shape.allSatisfy({ $0 >= 1 }) else { throw fail("input shape \(shape) is not [B, C, H, W] with every extent at least 1") }
        guard kernelHeight >= 1 && kernelWidth >= 1 else { throw fail("kernel \(kernelHeight)×\(kernelWidth) is empty") }
        guard stride >= 1 else { throw fail("stride \(stride) must be at least 1") }
        guard padding >= 0 else { throw fail("padding \(padding) is negative") }
        batch = shape[0]; channels = shape[1]; height = shape[2]; width = shape[3]
        self.kernelHeight = kernelHeight; self.kernelWidth = kernelWidth
        self.stride = stride; self.padding = padding
        let paddedHeight = height + 2 * padding, paddedWidth = width + 2 * padding
        guard paddedHeight >= kernelHeight && paddedWidth >= kernelWidth else {
            throw fail("kernel \(kernelHeight)×\(kernelWidth) is larger than the input \(height)×\(width)" + (padding > 0 ? " with padding \(padding)" : ""))
        }
        outHeight = (paddedHeight - kernelHeight) / stride + 1
        outWidth = (paddedWidth - kernelWidth) / stride + 1
        outChannels = channels
    }

    static func convolution(input: [Int], weight: [Int], bias: [Int]?, stride: Int, padding: Int) throws -> WindowGeometry {
        guard weight.count == 4, weight.allSatisfy({ $0 >= 1 }) else {
            throw WindowShapeError(description: "conv2d: weight shape \(weight) is not [O, C, kh, kw] with every extent at least 1")
        }
        var g = try WindowGeometry(op: "conv2d", input: input, kernelHeight: weight[2], kernelWidth: weight[3], stride: stride, padding: padding)
        guard weight[1] == g.channels else {
            throw WindowShapeError(description: "conv2d: weight shape \(weight) takes \(weight[1]) input channels, the input \(input) has \(g.channels)")
        }
        if let bias, bias != [weight[0]] {
            throw WindowShapeError(description: "conv2d: bias shape \(bias) is not [\(weight[0])] for weight shape \(weight)")
        }
        g.outChannels = weight[0]
        return g
    }

    var outputShape: [Int] { [batch, outChannels, outHeight, outWidth] }
    var imageSize: Int { channels * height * width }
    var outputPlane: Int { outHeight * outWidth }
    /// Rows of the unfolded matrix: one per (channel, kernel row, kernel column).
    var patchSize: Int { channels * kernelHeight * kernelWidth }

    /// The output positions o whose input position o·s + offset lies inside `0..<extent`, so the
    /// inner loops copy a contiguous run and zero-fill only the padded ends.
    @inline(__always)
    func inside(offset: Int, extent: Int, count: Int) -> Range<Int> {
        let low = offset >= 0 ? 0 : (-offset + stride - 1) / stride
        let last = extent - 1 - offset
        let high = last < 0 ? 0 : Swift.min(count, last / stride + 1)
        return low < high ? low..<high : low..<low
    }

    /// im2col: image `[C, H, W]` → columns `[C·kh·kw, H'·W']`, where row (c, i, j) holds
    /// x[c, y·s + i − p, x·s + j − p] for every output position (y, x), zero where that falls in the padding.
    /// Rows are `rowStride` apart, so several images can sit side by side in one wider matrix.
    func unfold(_ image: UnsafePointer<Float>, into columns: UnsafeMutablePointer<Float>, rowStride: Int) {
        visitRows { row, source, xs, ys, offset in
            let destination = columns + row * rowStride
            for oy in 0..<outHeight {
                let d = destination + oy * outWidth
                guard ys.contains(oy) else { d.update(repeating: 0, count: outWidth); continue }
                let line = image + (source + oy * stride) * width
                if xs.lowerBound > 0 { d.update(repeating: 0, count: xs.lowerBound) }
                if stride == 1 {
                    (d + xs.lowerBound).update(from: line + (xs.lowerBound + offset), count: xs.count)
                } else {
                    for ox in xs { d[ox] = line[ox * stride + offset] }
                }
                if xs.upperBound < outWidth { (d + xs.upperBound).update(repeating: 0, count: outWidth - xs.upperBound) }
            }
        }
    }

    /// col2im, the adjoint of ``unfold(_:into:rowStride:)``: adds each column entry back onto the pixel it was
    /// read from (overlapping windows sum), dropping the padding.
    func fold(_ columns: UnsafePointer<Float>, rowStride: Int, addingInto image: UnsafeMutablePointer<Float>) {
        visitRows { row, source, xs, ys, offset in
            let origin = columns + row * rowStride
            for oy in ys {
                let c = origin + oy * outWidth
                let line = image + (source + oy * stride) * width
                if stride == 1 {
                    // Through base pointers: indexed as line[ox + offset] the loop kept its overflow checks and stayed scalar.
                    let d = line + (xs.lowerBound + offset)
                    Kernels.add(d, c + xs.lowerBound, into: d, count: xs.count)
                } else {
                    for ox in xs { line[ox * stride + offset] += c[ox] }
                }
            }
        }
    }

    /// Calls `body` for each unfolded row (c, i, j) with the image row c·H + i − p (the row that output
    /// row 0 reads), the in-bounds output columns and rows, and the column shift j − p. Indices are
    /// combined before they meet the pointer, so no pointer is formed outside the image.
    @inline(__always)
    private func visitRows(_ body: (_ row: Int, _ source: Int, _ xs: Range<Int>, _ ys: Range<Int>, _ offset: Int) -> Void) {
        for c in 0..<channels {
            for i in 0..<kernelHeight {
                let ys = inside(offset: i - padding, extent: height, count: outHeight)
                for j in 0..<kernelWidth {
                    let xs = inside(offset: j - padding, extent: width, count: outWidth)
                    body((c * kernelHeight + i) * kernelWidth + j, c * height + i - padding, xs, ys, j - padding)
                }
            }
        }
    }
}

/// 2-D convolution (cross-correlation, as `torch.nn.functional.conv2d`), NCHW layout:
///
///     y[b, o, u, v] = bias[o] + Σ_{c, i, j} w[o, c, i, j] · x[b, c, u·s + i − p, v·s + j − p]
///
/// with x `[B, C, H, W]`, w `[O, C, kh, kw]`, bias `[O]` → y `[B, O, H', W']`,
/// H' = ⌊(H + 2p − kh) / s⌋ + 1 and W' alike; x is zero outside the image (padding p on every side).
///
/// Images are unfolded (im2col) side by side into X `[C·kh·kw, G·H'·W']` for a group of G images and
/// multiplied once, Y = W·X with W viewed as `[O, C·kh·kw]`. G is chosen so a product has about
/// ``conv2dColumnsPerProduct`` columns, so that small feature maps give a few wide products rather than
/// many narrow ones to split between threads, while the unfolded group stays near the cache (the whole
/// batch at once cost 12–30% more time on one thread). With several BLAS threads the groups are
/// shared out between workers. Backward per group: ∂W += ∂Y·Xᵀ (X unfolded again rather than kept),
/// ∂X = col2im(Wᵀ·∂Y), ∂bias[o] += Σ ∂Y[o, ·].
public func conv2d(_ x: Variable, weight: Variable, bias: Variable?, stride: Int = 1, padding: Int = 0) -> Variable {
    let g: WindowGeometry
    do {
        g = try .convolution(input: x.shape, weight: weight.shape, bias: bias?.shape, stride: stride, padding: padding)
    } catch {
        preconditionFailure("\(error)")
    }
    let batch = g.batch, outChannels = g.outChannels
    let k = g.patchSize, n = g.outputPlane, outputSize = outChannels * n
    let group = max(1, min(batch, conv2dColumnsPerProduct / n))
    let groups = Swift.stride(from: 0, to: batch, by: group).map { ($0, min(group, batch - $0)) }
    let workers = max(1, min(BLAS.threads, groups.count))
    // Per worker: one group's unfolded images, then ∂X's columns in backward; and, when several images
    // share a product, its [O, G·H'·W'] result (forward) or gradient (backward) before it is put in
    // NCHW order. Both are written in full before each read, so they start uninitialised (zeroing
    // showed up in profiles).
    let columnsSize = k * n * group, productSize = group > 1 ? outputSize * group : 1
    var columns = [Float](unsafeUninitializedCapacity: columnsSize * workers) { _, count in count = columnsSize * workers }
    var product = [Float](unsafeUninitializedCapacity: productSize * workers) { _, count in count = productSize * workers }
    let xv = x.value, wv = weight.value, bv = bias?.value

    let out = Tensor.make(g.outputShape) { y in
        xv.withPointer { px in wv.withPointer { pw in columns.withUnsafeMutableBufferPointer { pc in
            product.withUnsafeMutableBufferPointer { pp in
                runWorkers(workers) { worker in
                    let col = pc.baseAddress! + worker * columnsSize, scratch = pp.baseAddress! + worker * productSize
                    for (first, count) in groups[worker...].striding(by: workers) {
                        let width = count * n
                        let target = count == 1 ? y + first * outputSize : scratch
                        for i in 0..<count { g.unfold(px + (first + i) * g.imageSize, into: col + i * n, rowStride: width) }
                        if let bv {
                            for o in 0..<outChannels { (target + o * width).update(repeating: bv.scalars[o], count: width) }
                        }
                        BLAS.gemm(m: outChannels, n: width, k: k, a: pw, lda: k, b: col, ldb: width,
                                  beta: bv == nil ? 0 : 1, c: target, ldc: width)
                        if count > 1 {
                            for i in 0..<count {
                                for o in 0..<outChannels {
                                    (y + (first + i) * outputSize + o * n).update(from: target + o * width + i * n, count: n)
                                }
                            }
                        }
                    }
                }
            }
        } } }
    }
    return Variable.result(out, [x, weight] + (bias.map { [$0] } ?? []), "conv2d") { grad in
        let ones = [Float](repeating: 1, count: bias?.requiresGrad == true ? n * group : 0)
        // Workers after the first sum ∂W and ∂bias privately; the shares are added once they finish.
        let shareSize = outChannels * k + outChannels
        var shares = [Float](repeating: 0, count: (workers - 1) * shareSize)
        grad.withPointer { pg in xv.withPointer { px in wv.withPointer { pw in ones.withUnsafeBufferPointer { po in
            columns.withUnsafeMutableBufferPointer { pc in product.withUnsafeMutableBufferPointer { pp in
                shares.withUnsafeMutableBufferPointer { ps in
                withGradient(bias) { gb in withGradient(weight) { gw in withGradient(x) { gx in
                    runWorkers(workers) { worker in
                        let col = pc.baseAddress! + worker * columnsSize, scratch = pp.baseAddress! + worker * productSize
                        let share = worker == 0 ? nil : ps.baseAddress! + (worker - 1) * shareSize
                        let gwPart = gw.map { share ?? $0 }, gbPart = gb.map { share.map { $0 + outChannels * k } ?? $0 }
                        for (first, count) in groups[worker...].striding(by: workers) {
                            let width = count * n
                            let gy: UnsafePointer<Float>
                            if count == 1 {
                                gy = pg + first * outputSize
                            } else {
                                for i in 0..<count {
                                    for o in 0..<outChannels {
                                        (scratch + o * width + i * n).update(from: pg + (first + i) * outputSize + o * n, count: n)
                                    }
                                }
                                gy = UnsafePointer(scratch)
                            }
                            if let gbPart {
                                BLAS.gemm(m: outChannels, n: 1, k: width, a: gy, lda: width, b: po.baseAddress!, ldb: 1, beta: 1, c: gbPart, ldc: 1)
                            }
                            if let gwPart {
                                for i in 0..<count { g.unfold(px + (first + i) * g.imageSize, into: col + i * n, rowStride: width) }
                                BLAS.gemm(transposeB: true, m: outChannels, n: k, k: width, a: gy, lda: width,
                                          b: col, ldb: width, beta: 1, c: gwPart, ldc: k)
                            }
                            if let gx {
                                BLAS.gemm(transposeA: true, m: k, n: width, k: outChannels, a: pw, lda: k,
                                          b: gy, ldb: width, c: col, ldc: width)
                                for i in 0..<count { g.fold(col + i * n, rowStride: width, addingInto: gx + (first + i) * g.imageSize) }
                            }
                        }
                    }
                    for worker in 1..<workers {
                        let share = ps.baseAddress! + (worker - 1) * shareSize
                        if let gw { Kernels.add(gw, share, into: gw, count: outChannels * k) }
                        if let gb { Kernels.add(gb, share + outChannels * k, into: gb, count: outChannels) }
                    }
                } } }
                }
            } }
        } } } }
    }
}

/// Output columns (images × output positions) that conv2d aims for in one matrix product.
/// Measured with `recur bench conv` (docs/engine-notes.md, "Convolution").
public nonisolated(unsafe) var conv2dColumnsPerProduct = 4096

/// Runs `body(worker)` for each of `workers` workers: with one, on this thread; with several, each on
/// its own thread while OpenBLAS runs single-threaded, so the workers split the images (unfolding,
/// col2im and products alike) instead of OpenBLAS splitting each product and the rest running on one core.
private func runWorkers(_ workers: Int, _ body: (Int) -> Void) {
    guard workers > 1 else { return body(0) }
    let saved = BLAS.threads
    BLAS.threads = 1
    defer { BLAS.threads = saved }
    // The workers touch disjoint images and their own scratch and gradient shares; Dispatch only
    // sees a closure it cannot check, hence the unchecked box.
    withoutActuallyEscaping(body) { body in
        let box = UncheckedSendable(body)
        DispatchQueue.concurrentPerform(iterations: workers) { box.value($0) }
    }
}

private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

extension ArraySlice {
    /// Every `step`-th element from the first: worker w of W takes groups w, w + W, w + 2W, ….
    fileprivate func striding(by step: Int) -> [Element] {
        Swift.stride(from: startIndex, to: endIndex, by: step).map { self[$0] }
    }
}

/// `body` with `v`'s gradient accumulator, or with `nil` when `v` is absent or takes no gradient
/// (so one loop can serve the gradients that are wanted).
private func withGradient(_ v: Variable?, _ body: (UnsafeMutablePointer<Float>?) -> Void) {
    if let v, v.requiresGrad { v.accumulateGrad { body($0) } } else { body(nil) }
}
