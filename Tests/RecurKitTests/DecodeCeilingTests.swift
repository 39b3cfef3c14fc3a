import Foundation
import RecurCore
import RecurKit
import XCTest

/// The decoding ceilings of `recur bench sample` (``ResidentKernel/decoder(for:)``) decode every
/// byte they are given, as their products do: each sum equals a scalar model of the bytes on every
/// kernel this CPU runs (fp16 and bf16 as small integers, whose sums are exact in any order; int8
/// and int4 in integers). fp32 and the BLAS kernel have no decoding.
final class DecodeCeilingTests: XCTestCase {
    let bytes = 1024

    var kernels: [ResidentKernel] {
        let flags = CPUKernelChoice.cpuFlags()
        return ResidentKernel.allCases.filter { ResidentKernel.supported($0, cpuFlags: flags) }
    }

    func decoded(_ precision: ResidentPrecision, _ kernel: ResidentKernel, _ fill: (UnsafeMutableRawPointer) -> Void) -> Float? {
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
        defer { buffer.deallocate() }
        fill(buffer)
        return kernel.decoder(for: precision).map { $0(UnsafeRawPointer(buffer), bytes) }
    }

    func testFP32AndBLASDecodeNothing() {
        for kernel in ResidentKernel.allCases { XCTAssertNil(kernel.decoder(for: .fp32), "\(kernel)") }
        for precision in ResidentPrecision.allCases { XCTAssertNil(ResidentKernel.blas.decoder(for: precision), "\(precision)") }
    }

    func testHalvesAndBrainPairsSumEveryValue() {
        for kernel in kernels where kernel != .blas {
            let halves = decoded(.fp16, kernel) { p in
                for i in 0..<bytes / 2 { p.storeBytes(of: Float16(Float(i % 8)), toByteOffset: 2 * i, as: Float16.self) }
            }
            // A Zen 4's AVX-512 fp16 product decodes in split groups, which this ceiling does not time.
            if kernel.splitsHalves { XCTAssertNil(halves) } else {
                XCTAssertEqual(halves, Float((0..<bytes / 2).reduce(0) { $0 + $1 % 8 }), "\(kernel)")
            }
            let pairs = decoded(.bf16, kernel) { p in
                for i in 0..<bytes / 4 {
                    let word = UInt32(BrainFloat.round(Float(i % 5))) | UInt32(BrainFloat.round(Float(i % 3))) << 16
                    p.storeBytes(of: word, toByteOffset: 4 * i, as: UInt32.self)
                }
            }
            XCTAssertEqual(pairs, Float((0..<bytes / 4).reduce(0) { $0 + $1 % 5 + $1 % 3 }), "\(kernel)")
        }
    }

    /// Without VNNI: int8 as the split pair product reads a lane's four bytes (w₀ + 128, w₂,
    /// w₁ + 128, w₃) against the inputs 1, 2 (offset pair) and 3, 4; int4 as the nibble product, the
    /// low nibbles against the input bytes 4, 3, 2, 1 and the high ones against 8, 7, 6, 5.
    func testIntegerProductsSumEveryByte() {
        let pattern = { (p: UnsafeMutableRawPointer) in
            for i in 0..<self.bytes { p.storeBytes(of: UInt8(truncatingIfNeeded: i &* 37 &+ 11), toByteOffset: i, as: UInt8.self) }
        }
        let values = (0..<bytes).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        var int8Model = 0, int4Model = 0
        for g in 0..<bytes / 4 {
            let b = Array(values[4 * g ..< 4 * g + 4])
            int8Model += Int(b[0]) * 1 + Int(b[2]) * 2 + Int(Int8(bitPattern: b[1])) * 3 + Int(Int8(bitPattern: b[3])) * 4
            for c in 0..<4 { int4Model += Int(b[c] & 15) * (4 - c) + Int(b[c] >> 4) * (8 - c) }
        }
        for kernel in kernels where kernel != .blas {
            // With VNNI the products take other layouts (column quads, vpdpbusd); only their presence is checked.
            if kernel.vnni {
                XCTAssertNotNil(decoded(.int8, kernel, pattern))
                XCTAssertNotNil(decoded(.int4, kernel, pattern))
                continue
            }
            XCTAssertEqual(decoded(.int8, kernel, pattern), Float(int8Model), "\(kernel)")
            XCTAssertEqual(decoded(.int4, kernel, pattern), Float(int4Model), "\(kernel)")
        }
    }
}
