/// 2-D max pooling over `[B, C, H, W]` as `torch.nn.functional.max_pool2d(x, kernel, stride)`:
///
///     y[b, c, u, v] = max_{0 ≤ i, j < k} x[b, c, u·s + i, v·s + j]
///
/// → `[B, C, H', W']` with H' = ⌊(H − k) / s⌋ + 1 (floor mode, no padding; rows and columns that do
/// not fill a window are dropped). `stride` defaults to `kernel`. The gradient of each output goes
/// to the one input it took: the first maximum in row-major window order, as PyTorch picks on ties
/// (a NaN wins, so it propagates as in PyTorch).
public func maxPool2d(_ x: Variable, kernel: Int, stride: Int? = nil) -> Variable {
    let g = WindowGeometry.pooling("maxPool2d", x.shape, kernel: kernel, stride: stride)
    let planes = x.shape[0] * g.channels, n = g.outputPlane, plane = g.height * g.width
    // Where each output came from, as an offset in its input plane: backward is then one scatter.
    var taken = [Int32](repeating: 0, count: planes * n)
    let out = Tensor.make(g.outputShape) { y in
        x.value.withPointer { px in taken.withUnsafeMutableBufferPointer { index in
            for p in 0..<planes {
                let source = px + p * plane
                for u in 0..<g.outHeight {
                    for v in 0..<g.outWidth {
                        let corner = u * g.stride * g.width + v * g.stride
                        var best = source[corner], at = corner
                        for i in 0..<kernel {
                            for j in 0..<kernel {
                                let q = corner + i * g.width + j
                                if source[q] > best || source[q].isNaN && !best.isNaN { best = source[q]; at = q }
                            }
                        }
                        y[p * n + u * g.outWidth + v] = best
                        index[p * n + u * g.outWidth + v] = Int32(at)
                    }
                }
            }
        } }
    }
    return Variable.result(out, [x], "max-pool2d") { grad in
        grad.withPointer { pg in taken.withUnsafeBufferPointer { index in x.accumulateGrad { gx in
            for p in 0..<planes {
                for o in 0..<n { gx[p * plane + Int(index[p * n + o])] += pg[p * n + o] }
            }
        } } }
    }
}

/// 2-D average pooling over `[B, C, H, W]` as `torch.nn.functional.avg_pool2d(x, kernel, stride)`:
///
///     y[b, c, u, v] = (1 / k²) · Σ_{0 ≤ i, j < k} x[b, c, u·s + i, v·s + j]
///
/// → `[B, C, H', W']`, H' = ⌊(H − k) / s⌋ + 1 (floor mode, no padding); `stride` defaults to `kernel`.
/// Backward spreads ∂y/k² over each window (windows overlap when s < k, and their shares add).
public func avgPool2d(_ x: Variable, kernel: Int, stride: Int? = nil) -> Variable {
    let g = WindowGeometry.pooling("avgPool2d", x.shape, kernel: kernel, stride: stride)
    let planes = x.shape[0] * g.channels, n = g.outputPlane, plane = g.height * g.width
    let scale = 1 / Float(kernel * kernel)
    let out = Tensor.make(g.outputShape) { y in
        x.value.withPointer { px in
            for p in 0..<planes {
                let source = px + p * plane
                for u in 0..<g.outHeight {
                    for v in 0..<g.outWidth {
                        let corner = u * g.stride * g.width + v * g.stride
                        var total: Float = 0
                        for i in 0..<kernel {
                            for j in 0..<kernel { total += source[corner + i * g.width + j] }
                        }
                        y[p * n + u * g.outWidth + v] = total * scale
                    }
                }
            }
        }
    }
    return Variable.result(out, [x], "avg-pool2d") { grad in
        grad.withPointer { pg in x.accumulateGrad { gx in
            for p in 0..<planes {
                let target = gx + p * plane
                for u in 0..<g.outHeight {
                    for v in 0..<g.outWidth {
                        let share = pg[p * n + u * g.outWidth + v] * scale
                        let corner = u * g.stride * g.width + v * g.stride
                        for i in 0..<kernel {
                            for j in 0..<kernel { target[corner + i * g.width + j] += share }
                        }
                    }
                }
            }
        } }
    }
}

extension WindowGeometry {
    /// The geometry of a pooling op, stopping with the shape error's line when there is none.
    static func pooling(_ op: String, _ input: [Int], kernel: Int, stride: Int?) -> WindowGeometry {
        do {
            return try WindowGeometry(op: op, input: input, kernelHeight: kernel, kernelWidth: kernel, stride: stride ?? kernel, padding: 0)
        } catch {
            preconditionFailure("\(error)")
        }
    }
}
