extension Tensor {
    /// Time-major frames of `clips` clips (clip i's frame t at index t·clips + i) as
    /// `[T·clips, 2C, H, W]`: each frame's C channels, then its difference from the same clip's
    /// previous frame (zero for the first).
    ///
    /// Only what moved or changed survives the difference, so a CNN sees the moving object's colour
    /// and shape apart from the still ones — the two-stream idea (Simonyan & Zisserman 2014) with the
    /// frame difference standing in for optical flow.
    public init(withMotion frames: [Image], clips: Int) {
        precondition(clips >= 1 && frames.count % clips == 0,
                     "Tensor(withMotion:): \(frames.count) frames are not whole steps of \(clips) clips")
        let still = Tensor(batching: frames)
        let (c, h, w) = (still.shape[1], still.shape[2], still.shape[3])
        let plane = c * h * w
        self = Tensor.make([frames.count, 2 * c, h, w]) { out in
            still.withPointer { p in
                for n in 0..<frames.count {
                    let frame = out + n * 2 * plane, difference = frame + plane
                    frame.update(from: p + n * plane, count: plane)
                    guard n >= clips else {
                        difference.update(repeating: 0, count: plane)
                        continue
                    }
                    for k in 0..<plane { difference[k] = p[n * plane + k] - p[(n - clips) * plane + k] }
                }
            }
        }
    }
}
