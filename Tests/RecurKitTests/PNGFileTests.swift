import CPNG
import Foundation
import RecurKit
import RecurTestSupport
import XCTest

/// PNG reading and writing: what comes back is what went in (to 1/255), every 8-bit colour
/// type reads as `[3, H, W]`, and a file Recur cannot use is one line naming it.
final class PNGFileTests: XCTestCase {
    var scratch: Scratch!
    override func setUpWithError() throws { scratch = try Scratch() }
    override func tearDown() { scratch = nil }

    func message(_ body: () throws -> Void) -> String {
        do { try body(); return "succeeded" } catch { return "\(error)" }
    }

    /// A PNG written by libpng's simplified API in `format`, as a file of another program would be.
    func writeWithLibpng(_ name: String, width: Int, height: Int, format: UInt32, pixels: [UInt8],
                         colormap: [UInt8] = [], flags: UInt32 = 0) throws -> URL {
        var png = png_image()
        png.version = CPNG_IMAGE_VERSION
        png.flags = flags
        png.width = UInt32(width)
        png.height = UInt32(height)
        png.format = format
        png.colormap_entries = UInt32(colormap.count / 3)
        var size = 0
        XCTAssertNotEqual(png_image_write_to_memory(&png, nil, &size, 0, pixels, 0, colormap.isEmpty ? nil : colormap), 0)
        var bytes = [UInt8](repeating: 0, count: size)
        XCTAssertNotEqual(png_image_write_to_memory(&png, &bytes, &size, 0, pixels, 0, colormap.isEmpty ? nil : colormap), 0)
        let url = scratch.directory.appendingPathComponent(name)
        try Data(bytes.prefix(size)).write(to: url)
        return url
    }

    /// IHDR's bit depth and colour type (bytes 24 and 25 of every PNG), so a test knows it made the
    /// kind of file it means to read.
    func header(_ url: URL) throws -> (bitDepth: UInt8, colourType: UInt8) {
        let bytes = [UInt8](try Data(contentsOf: url))
        return (bytes[24], bytes[25])
    }

    func testWritingThenReadingGivesTheValuesQuantisedTo1Over255() throws {
        var rng = RandomGenerator(seed: 7)
        let height = 5, width = 7
        var values = (0..<(3 * height * width)).map { _ in rng.nextUnit() }
        values[0] = -0.3; values[1] = 1.7; values[2] = .nan; values[3] = 0.5 / 255; values[4] = 1
        let image = Image(height: height, width: width, pixels: values)
        let url = scratch.directory.appendingPathComponent("round.png")
        try image.writePNG(to: url)
        XCTAssertEqual(try header(url).bitDepth, 8)
        XCTAssertEqual(try header(url).colourType, 2, "RGB")
        let back = try Image.readPNG(url)
        XCTAssertEqual([back.channels, back.height, back.width], [3, height, width])
        let expected = values.map { v -> Float in v.isNaN ? 0 : (min(max(v, 0), 1) * 255).rounded() / 255 }
        XCTAssertEqual(back.pixels, expected)
        XCTAssertEqual(Array(back.pixels[0..<5]), [0, 1, 0, 1 / 255, 1], "clamped, NaN as 0, half a level rounds up")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: scratch.directory.path), ["round.png"], "no temporary file left")
    }

    func testAOneChannelImageIsWrittenAsGreyAndReadAsThreeEqualChannels() throws {
        let url = scratch.directory.appendingPathComponent("grey.png")
        try Image(channels: 1, height: 1, width: 3, pixels: [0, 0.5, 1]).writePNG(to: url)
        XCTAssertEqual(try header(url).colourType, 0)
        let level: Float = 128 / 255
        XCTAssertEqual(try Image.readPNG(url).pixels, [0, level, 1, 0, level, 1, 0, level, 1])
        XCTAssertEqual(message { _ = try Image(channels: 2, height: 1, width: 1).pngData() },
                       "an image with 2 channels cannot be written as PNG; Recur writes 1 (grey) or 3 (RGB)")
    }

    func testGreyIsCopiedToThreeChannels() throws {
        let url = try writeWithLibpng("grey.png", width: 2, height: 2, format: CPNG_FORMAT_GRAY, pixels: [0, 64, 200, 255])
        XCTAssertEqual(try header(url).colourType, 0)
        let grey: [Float] = [0, 64, 200, 255].map { $0 / 255 }
        XCTAssertEqual(try Image.readPNG(url), Image(height: 2, width: 2, pixels: grey + grey + grey))
    }

    func testAlphaIsCompositedOverBlack() throws {
        let greyAlpha = try writeWithLibpng("ga.png", width: 2, height: 1, format: CPNG_FORMAT_GRAY | CPNG_FORMAT_FLAG_ALPHA,
                                            pixels: [200, 255, 200, 51])
        XCTAssertEqual(try header(greyAlpha).colourType, 4)
        let faded = Float(200) * 51 / 65025
        XCTAssertEqual(try Image.readPNG(greyAlpha).pixels, [200 / 255, faded, 200 / 255, faded, 200 / 255, faded])

        let rgba = try writeWithLibpng("rgba.png", width: 2, height: 1, format: CPNG_FORMAT_RGBA,
                                       pixels: [255, 128, 0, 255, 255, 128, 0, 0])
        XCTAssertEqual(try header(rgba).colourType, 6)
        XCTAssertEqual(try Image.readPNG(rgba).pixels, [1, 0, 128 / 255, 0, 0, 0], "opaque keeps its colour, transparent is black")
    }

    func testAPaletteIsExpandedToRGB() throws {
        let colormap: [UInt8] = [255, 0, 0, 0, 0, 255, 10, 20, 30]
        let url = try writeWithLibpng("palette.png", width: 3, height: 1, format: CPNG_FORMAT_RGB | CPNG_FORMAT_FLAG_COLORMAP,
                                      pixels: [2, 0, 1], colormap: colormap)
        XCTAssertEqual(try header(url).colourType, 3, "a palette file")
        XCTAssertEqual(try Image.readPNG(url).pixels, [10, 255, 0, 20, 0, 0, 30, 0, 255].map { $0 / 255 })
    }

    /// Stored bytes are read as they are when the file is sRGB or says nothing; a gAMA chunk with
    /// another gamma is converted to sRGB by libpng (where PIL and torchvision return the bytes).
    func testAGammaOtherThanSRGBsIsConvertedBylibpng() throws {
        let url = try writeWithLibpng("gamma.png", width: 4, height: 1, format: CPNG_FORMAT_GRAY, pixels: [0, 64, 128, 200],
                                      flags: UInt32(PNG_IMAGE_FLAG_COLORSPACE_NOT_sRGB))
        let stored: [Float] = [0, 64, 128, 200].map { $0 / 255 }
        XCTAssertEqual(Array(try Image.readPNG(url).pixels.prefix(4)), stored, "gAMA 1/2.2 is sRGB's")
        var bytes = [UInt8](try Data(contentsOf: url))
        let gAMA = try XCTUnwrap((0..<bytes.count - 4).first { bytes[$0..<$0 + 4] == [0x67, 0x41, 0x4D, 0x41] })
        bytes.replaceSubrange(gAMA + 4..<gAMA + 8, with: [0, 0x01, 0x86, 0xA0])  // 100000: gamma 1.0, linear
        let crc = crc32(bytes[gAMA..<gAMA + 8])
        for k in 0..<4 { bytes[gAMA + 8 + k] = UInt8(truncatingIfNeeded: crc >> (24 - 8 * k)) }
        try Data(bytes).write(to: url)
        // 255 · (v / 255)^(1/2.2), rounded.
        let converted: [Float] = [0, 136, 186, 228].map { $0 / 255 }
        XCTAssertEqual(Array(try Image.readPNG(url).pixels.prefix(4)), converted)
    }

    func testSixteenBitIsRefusedNamingTheFile() throws {
        var png = png_image()
        png.version = CPNG_IMAGE_VERSION
        png.width = 2
        png.height = 1
        png.format = CPNG_FORMAT_RGB | CPNG_FORMAT_FLAG_LINEAR
        let url = scratch.directory.appendingPathComponent("photo.png")
        let samples: [UInt16] = [0, 1000, 65535, 300, 2, 40000]
        XCTAssertNotEqual(png_image_write_to_file(&png, url.path, 0, samples, 0, nil), 0)
        XCTAssertEqual(try header(url).bitDepth, 16)
        XCTAssertEqual(message { _ = try Image.readPNG(url) },
                       "\(url.path): 16-bit PNG; Recur reads 8-bit grayscale, RGB or RGBA (or palette) PNG files")
    }

    func testATruncatedOrDamagedFileIsOneLineNamingIt() throws {
        var rng = RandomGenerator(seed: 3)
        let image = Image(height: 16, width: 16, pixels: (0..<768).map { _ in rng.nextUnit() })
        let whole = try image.pngData()
        var damaged = whole
        damaged[whole.count / 2] ^= 0xFF
        for (name, bytes, reason) in [("cut.png", whole.prefix(whole.count / 2), "the file is damaged or truncated (libpng: read beyond end of data)"),
                                      ("damaged.png", damaged, "the file is damaged or truncated (libpng: IDAT: incorrect data check)"),
                                      ("stub.png", whole.prefix(20), "its header cannot be read (libpng: read beyond end of data)")] {
            let url = scratch.directory.appendingPathComponent(name)
            try bytes.write(to: url)
            XCTAssertEqual(message { _ = try Image.readPNG(url) }, "\(url.path): not a readable PNG: \(reason)")
        }
    }

    func testWhatIsNotAPNGIsRefused() throws {
        let text = try scratch.write("notes.png", "this is text, not a picture\n")
        XCTAssertEqual(message { _ = try Image.readPNG(text) }, "\(text.path): not a PNG file (it does not start with the PNG signature)")
        let empty = try scratch.write("empty.png", "")
        XCTAssertEqual(message { _ = try Image.readPNG(empty) }, "\(empty.path): the file is empty, not a PNG image")
        let missing = scratch.directory.appendingPathComponent("missing.png")
        XCTAssertEqual(message { _ = try Image.readPNG(missing) }, "\(missing.path): no such file")
        XCTAssertEqual(message { _ = try Image.readPNG(self.scratch.directory) }, "\(scratch.directory.path): is a directory, not a file")
    }

    /// A tiny file that declares a huge image is refused from its header, before pixel memory is taken.
    func testAHugeHeaderIsRefusedBeforeDecoding() throws {
        let small = [UInt8](try Image(height: 1, width: 1).pngData())
        for (width, height) in [(10_000, 1), (1, 8193), (8192, 8000)] {
            let url = scratch.directory.appendingPathComponent("huge-\(width)x\(height).png")
            try Data(withDeclaredSize(small, width: width, height: height)).write(to: url)
            XCTAssertEqual(message { _ = try Image.readPNG(url) },
                           "\(url.path): the PNG declares \(width) × \(height) pixels; Recur reads at most 8192 per side and 64 million in all")
        }
        // Past libpng's own limit of a million per side, libpng refuses the header first.
        let beyond = scratch.directory.appendingPathComponent("beyond.png")
        try Data(withDeclaredSize(small, width: 1, height: 2_147_483_647)).write(to: beyond)
        XCTAssertEqual(message { _ = try Image.readPNG(beyond) }, "\(beyond.path): not a readable PNG: its header cannot be read (libpng: Invalid IHDR data)")
    }

    /// `png` with IHDR's width and height replaced and its CRC recomputed, so libpng accepts the header.
    func withDeclaredSize(_ png: [UInt8], width: Int, height: Int) -> [UInt8] {
        var bytes = png
        for (offset, value) in [(16, width), (20, height)] {
            for k in 0..<4 { bytes[offset + k] = UInt8(truncatingIfNeeded: value >> (24 - 8 * k)) }
        }
        let crc = crc32(bytes[12..<29])
        for k in 0..<4 { bytes[29 + k] = UInt8(truncatingIfNeeded: crc >> (24 - 8 * k)) }
        return bytes
    }

    /// PNG's CRC-32 (ISO 3309, reflected polynomial 0xEDB88320), bit by bit: a header is 17 bytes.
    func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
