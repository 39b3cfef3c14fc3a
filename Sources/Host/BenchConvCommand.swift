import ArgumentParser
import Foundation
import RecurKit

struct BenchConvCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conv",
        abstract: "Forward + backward of the image encoder (3×3 conv → ReLU → 2×2 max pool per --conv entry) on random images.")

    @Option(parsing: .unconditional, help: "Images per batch.") var batch: Int = 32
    @Option(name: .customLong("image-size"), parsing: .unconditional, help: "Height and width of the square RGB images.") var imageSize: Int = 64
    @Option(help: "Output channels of each block, comma-separated.") var conv: String = "32,64,64"
    @Option(parsing: .unconditional, help: "Timed iterations (after 3 warm-up ones).") var iterations: Int = 20
    @Option(parsing: .unconditional, help: "Threads: the batch's images are shared out between them.") var threads: Int = 1
    @Option(parsing: .unconditional, help: "Columns per convolution product (images side by side); default: the engine's.")
    var columns: Int?
    @Flag(help: "Print one JSON object.") var json = false

    func validate() throws {
        for (name, value) in [("batch", batch), ("image-size", imageSize), ("iterations", iterations), ("threads", threads),
                              ("columns", columns ?? 1)] where value < 1 {
            throw ValidationError("--\(name) must be at least 1 (got \(value)).")
        }
        let channels: [Int]
        do { channels = try ConvEncoder.parseChannels(conv) } catch { throw ValidationError("\(error)") }
        guard imageSize >> channels.count >= 1 else {
            throw ValidationError("--image-size \(imageSize) is too small for \(channels.count) blocks, each halving it.")
        }
    }

    func run() throws {
        try reportingErrors {
            BLAS.threads = threads
            if let columns { conv2dColumnsPerProduct = columns }
            var rng = RandomGenerator(seed: 0)
            let channels = try ConvEncoder.parseChannels(conv)
            let encoder = ConvEncoder(channels: channels, rng: &rng)
            let size = encoder.outputSize(height: imageSize, width: imageSize)
            let images = Variable(rng.uniformTensor([batch, 3, imageSize, imageSize], 0, 1))
            // The features' gradient is a fixed random tensor, so backward does the work of any loss
            // without timing one; PyTorch's side (scripts/bench-conv.sh) does y.backward(seed) alike.
            let seed = rng.uniformTensor([batch, encoder.outputChannels, size.height, size.width], -1, 1)
            let parameters = encoder.namedParameters

            func iteration() {
                for (_, p) in parameters { p.zeroGrad() }
                encoder(images).backward(seed: seed)
            }
            for _ in 0..<3 { iteration() }
            var seconds: [Double] = []
            for _ in 0..<iterations {
                let start = DispatchTime.now().uptimeNanoseconds
                iteration()
                seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            }
            seconds.sort()
            let best = seconds[0], median = seconds[seconds.count / 2]
            let flops = Self.convolutionFlops(channels: channels, imageSize: imageSize, batch: batch)
            if json {
                try printJSON(["conv": channels, "columns_per_product": conv2dColumnsPerProduct, "batch": batch, "image_size": imageSize, "threads": threads, "iterations": iterations,
                               "best_ms": best * 1000, "median_ms": median * 1000,
                               "images_per_second": (Double(batch) / best).rounded(),
                               "median_images_per_second": (Double(batch) / median).rounded(),
                               "conv_gflops": flops / best / 1e9, "kernel": BLAS.kernelName])
            } else {
                print(String(format: "conv %@ B=%d %d×%d, %d thread%@: best %.1f ms (%.0f images/s), median %.1f ms (%.0f images/s), convolutions at %.1f GFLOP/s (%@ kernels)",
                             conv, batch, imageSize, imageSize, threads, threads == 1 ? "" : "s", best * 1000, Double(batch) / best,
                             median * 1000, Double(batch) / median, flops / best / 1e9, BLAS.kernelName))
            }
        }
    }

    /// Multiply-adds ×2 of the convolutions in forward and backward: each layer's forward product,
    /// its weight-gradient product, and its input-gradient product except the first layer's (images
    /// need no gradient).
    static func convolutionFlops(channels: [Int], imageSize: Int, batch: Int) -> Double {
        var total = 0.0, previous = 3, size = imageSize
        for (i, width) in channels.enumerated() {
            let product = 2.0 * Double(width * previous * 9 * size * size * batch)
            total += product * (i == 0 ? 2 : 3)
            previous = width
            size /= 2
        }
        return total
    }
}
