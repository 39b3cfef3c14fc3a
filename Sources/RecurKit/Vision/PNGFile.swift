import CPNG
import Foundation

/// PNG files in and out, through libpng's simplified API (`png_image`): it decodes every colour
/// type and bit depth below 16 and reports a bad file as a message in `png_image.message`, where
/// libpng's classic API would `longjmp` across Swift frames.
///
/// Reading accepts 8-bit (and smaller) grayscale, gray + alpha, RGB, RGBA and palette files and
/// always gives `[3, H, W]` floats `byte / 255`: grey is copied to the three channels, a palette
/// is expanded, and alpha is composited over black (`value = colour · alpha`, both in [0, 1],
/// on the stored sRGB values). 16-bit files are refused rather than silently rounded.
///
/// The stored bytes are what is read when a file is sRGB or says nothing of its colour space,
/// as nearly every file is; a `gAMA` chunk with another gamma is converted to sRGB by libpng,
/// whereas PIL (and so torchvision) returns such a file's bytes unconverted.
extension Image {
    /// The largest side a PNG may declare: the header is checked before any pixel memory is
    /// taken, so a 30-byte file claiming 100000 × 100000 pixels costs nothing.
    public static let pngMaxSide = 8192
    /// The largest pixel count a PNG may declare (64 million: `[3, H, W]` floats of 768 MB).
    public static let pngMaxPixels = 64_000_000
    /// The largest image allowed is 256 MB as raw RGBA bytes and deflate barely grows data, so a
    /// file twice that size is no picture Recur reads; it is refused before it fills memory.
    static let pngMaxFileBytes = 512 << 20

    /// The image in the PNG file at `url`, `[3, H, W]` (a link is followed: it is the user's own file).
    ///
    /// Every failure is one line starting with the path: the file cannot be read, is not a PNG,
    /// is damaged or truncated (libpng's own words in parentheses), is 16-bit, or is too large.
    public static func readPNG(_ url: URL) throws -> Image {
        let data: Data
        do {
            data = try RegularFile.read(url, limit: pngMaxFileBytes, followingLinks: true)
        } catch let error as RunError {
            throw DataFileError(file: url.path, String(error.message.dropFirst(url.path.count + 2)))
        }
        return try readPNG(data, name: url.path)
    }

    /// The image in `data`, a whole PNG file, `[3, H, W]`; `name` is what messages call it (its path).
    public static func readPNG(_ data: Data, name: String) throws -> Image {
        guard !data.isEmpty else { throw DataFileError(file: name, "the file is empty, not a PNG image") }
        var png = png_image()
        png.version = CPNG_IMAGE_VERSION
        // libpng reads from `data` until png_image_finish_read returns, so both calls stay inside.
        let rgba: [UInt8] = try data.withUnsafeBytes { raw in
            guard png_image_begin_read_from_memory(&png, raw.baseAddress, raw.count) != 0 else {
                throw unreadable(png, name, stage: "its header cannot be read")
            }
            // On failure begin_read and finish_read free the png_image themselves; only a
            // refusal of ours between them must.
            if png.format & CPNG_FORMAT_FLAG_LINEAR != 0 {
                png_image_free(&png)
                throw DataFileError(file: name, "16-bit PNG; Recur reads 8-bit grayscale, RGB or RGBA (or palette) PNG files")
            }
            let width = Int(png.width), height = Int(png.height)
            if width > pngMaxSide || height > pngMaxSide || width * height > pngMaxPixels {
                png_image_free(&png)
                throw DataFileError(file: name, "the PNG declares \(width) × \(height) pixels; Recur reads at most \(pngMaxSide) per side and \(pngMaxPixels / 1_000_000) million in all")
            }
            png.format = CPNG_FORMAT_RGBA
            var bytes = [UInt8](repeating: 0, count: width * height * 4)
            let finished = bytes.withUnsafeMutableBytes { png_image_finish_read(&png, nil, $0.baseAddress, 0, nil) }
            guard finished != 0 else { throw unreadable(png, name, stage: "the file is damaged or truncated") }
            return bytes
        }
        let height = Int(png.height), width = Int(png.width), plane = height * width
        var pixels = [Float](repeating: 0, count: 3 * plane)
        rgba.withUnsafeBufferPointer { source in
            pixels.withUnsafeMutableBufferPointer { target in
                for i in 0..<plane {
                    // c · a / 255² rather than (c / 255) · (a / 255): one rounding, so an opaque
                    // pixel reads exactly as byte / 255.
                    let alpha = Float(source[4 * i + 3])
                    for c in 0..<3 { target[c * plane + i] = Float(source[4 * i + c]) * alpha / 65025 }
                }
            }
        }
        return Image(channels: 3, height: height, width: width, pixels: pixels)
    }

    /// The image as a PNG file: 8-bit RGB (or grayscale for a 1-channel image), each value
    /// clamped to [0, 1] and rounded to the nearest of the 256 levels; NaN is written as 0.
    public func pngData() throws -> Data {
        guard channels == 3 || channels == 1 else {
            throw RunError("an image with \(channels) channels cannot be written as PNG; Recur writes 1 (grey) or 3 (RGB)")
        }
        let plane = height * width
        var interleaved = [UInt8](repeating: 0, count: channels * plane)
        for c in 0..<channels {
            for i in 0..<plane {
                let value = pixels[c * plane + i]
                let level = value.isNaN ? 0 : (min(max(value, 0), 1) * 255).rounded()
                interleaved[i * channels + c] = UInt8(level)
            }
        }
        var png = png_image()
        png.version = CPNG_IMAGE_VERSION
        png.width = UInt32(width)
        png.height = UInt32(height)
        png.format = channels == 3 ? CPNG_FORMAT_RGB : CPNG_FORMAT_GRAY
        // Deflate never grows data by much; one retry covers the case it needs more, since a
        // failed call reports the size it needs.
        var capacity = interleaved.count + height + 1024
        for _ in 0..<2 {
            var output = Data(count: capacity)
            var size = capacity
            let written = output.withUnsafeMutableBytes { memory in
                interleaved.withUnsafeBytes { buffer in
                    png_image_write_to_memory(&png, memory.baseAddress, &size, 0, buffer.baseAddress, 0, nil)
                }
            }
            if written != 0 { return output.prefix(size) }
            guard size > capacity else { throw RunError("libpng could not encode a \(width) × \(height) image: \(Self.message(of: png))") }
            capacity = size
        }
        throw RunError("libpng could not encode a \(width) × \(height) image: it asked for more memory twice")
    }

    /// Writes the image as a PNG file (``pngData()``), atomically: a reader sees the old file or the new one.
    public func writePNG(to url: URL) throws {
        try AtomicFile.write(try pngData(), to: url)
    }

    /// libpng's reason, after what went wrong in Recur's words (`stage`); libpng's own limits
    /// (a side over a million pixels) surface here as "Invalid IHDR data".
    private static func unreadable(_ png: png_image, _ name: String, stage: String) -> DataFileError {
        let reason = message(of: png)
        if reason == "Not a PNG file" { return DataFileError(file: name, "not a PNG file (it does not start with the PNG signature)") }
        return DataFileError(file: name, "not a readable PNG: \(stage) (libpng: \(reason))")
    }

    /// `png_image.message`, a NUL-terminated `char[64]` that Swift sees as a tuple.
    private static func message(of png: png_image) -> String {
        withUnsafeBytes(of: png.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}
