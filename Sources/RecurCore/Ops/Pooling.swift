/// 2-D max pooling over `[B, C, H, W]` as `torch.nn.functional.max_pool2d(x, kernel, stride)`:
///
///     y[b, c, u, v] = max_{0 ≤ i, j < k} x[b, c, u·s + i, v·s + j]
///
/// → `[B, C, H', W']` with H' = ⌊(H − k) / s⌋ + 1 (floor mode, no padding; rows and columns that do
/// not fill a window are dropped). `stride` defaults to `kernel`. The gradient of each output goes
/// to the one input it took: the first maximum in row-major window order, as PyTorch picks on ties
/// (a NaN is taken over any number, so it propagates as in PyTorch).
public func maxPool2d(_ x: Variable, kernel: Int, stride: Int? = nil) -> Variable {
    let g = WindowGeometry.pooling("maxPool2d", x.shape, kernel: kernel, stride: stride)
    let planes = x.shape[0] * g.channels, n = g.outputPlane, plane = g.height * g.width
    // Where each output came from, as an offset in its input plane: backward is then one scatter.
    var taken = [Int32](repeating: 0, count: planes * n)
    let out = Tensor.make(g.outputShape) { y in
        x.value.withPointer { px in taken.withUnsafeMutableBufferPointer { index in
            for p in 0..<planes {
                let source = px + p * plane, values = y + p * n, from = index.baseAddress! + p * n
                for u in 0..<g.outHeight {
                    let top = u * g.stride * g.width
                    // The encoder's 2×2 window with stride 2 takes eight outputs at a time in SIMD lanes;
                    // as scalar code its comparisons became branches that random data mispredicted.
                    let vectorised = kernel == 2 && g.stride == 2 ? g.outWidth / 8 * 8 : 0
                    for v in Swift.stride(from: 0, to: vectorised, by: 8) {
                        maxPool2x2(source + top + 2 * v, width: g.width, first: Int32(top + 2 * v),
                                   values: values + u * g.outWidth + v, from: from + u * g.outWidth + v)
                    }
                    for v in vectorised..<g.outWidth {
                        let corner = top + v * g.stride
                        var best = source[corner], at = corner
                        for i in 0..<kernel {
                            for j in 0..<kernel where i > 0 || j > 0 {
                                let q = corner + i * g.width + j
                                if source[q] > best || source[q].isNaN { best = source[q]; at = q }   // PyTorch's rule: a NaN is taken
                            }
                        }
                        values[u * g.outWidth + v] = best
                        from[u * g.outWidth + v] = Int32(truncatingIfNeeded: at)
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

/// Eight 2×2 windows side by side, stride 2: the maxima of `top[2v…2v+1]` and the row below into
/// `values[v]`, and where each came from (plane offset, `first` being top's) into `from[v]`, v < 8.
/// The comparisons run in the order of the scalar loop, so ties and NaNs resolve the same way.
@inline(__always)
private func maxPool2x2(_ top: UnsafePointer<Float>, width: Int, first: Int32,
                        values: UnsafeMutablePointer<Float>, from: UnsafeMutablePointer<Int32>) {
    let upper = UnsafeRawPointer(top).loadUnaligned(as: SIMD16<Float>.self)
    let lower = UnsafeRawPointer(top + width).loadUnaligned(as: SIMD16<Float>.self)
    let corners = SIMD8<Int32>(0, 2, 4, 6, 8, 10, 12, 14) &+ first
    var best = upper.evenHalf, at = corners
    @inline(__always) func consider(_ candidate: SIMD8<Float>, _ shift: Int32) {
        let take = (candidate .> best) .| (candidate .!= candidate)
        best.replace(with: candidate, where: take)
        at.replace(with: corners &+ shift, where: take)
    }
    consider(upper.oddHalf, 1)
    consider(lower.evenHalf, Int32(width))
    consider(lower.oddHalf, Int32(width) + 1)
    UnsafeMutableRawPointer(values).storeBytes(of: best, as: SIMD8<Float>.self)
    UnsafeMutableRawPointer(from).storeBytes(of: at, as: SIMD8<Int32>.self)
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
