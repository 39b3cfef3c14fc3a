import XCTest
@testable import RecurCore

final class CPUKernelChoiceTests: XCTestCase {
    func testNeverChoosesKernelsTheCPUCannotRun() {
        XCTAssertNil(CPUKernelChoice.coreType(cpuFlags: ["sse2", "sse3"]))
        XCTAssertEqual(CPUKernelChoice.coreType(cpuFlags: ["avx2", "fma", "avx512f"]), "Haswell")
        XCTAssertEqual(CPUKernelChoice.coreType(cpuFlags: ["avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd"]), "SkylakeX")
    }

    /// Zen 4 only: AMD family 25 with AVX-512 (Zen 3 is family 25 without it, Zen 5 family 26).
    func testRecognisesZen4() {
        func info(_ vendor: String, _ family: Int, _ flags: String) -> String {
            "processor\t: 0\nvendor_id\t: \(vendor)\ncpu family\t: \(family)\nmodel\t\t: 17\nflags\t\t: \(flags)\n\nprocessor\t: 1\n"
        }
        XCTAssertTrue(CPUKernelChoice.splitsAVX512(cpuinfo: info("AuthenticAMD", 25, "fpu avx2 fma avx512f avx512bw")))
        XCTAssertFalse(CPUKernelChoice.splitsAVX512(cpuinfo: info("AuthenticAMD", 25, "fpu avx2 fma")), "Zen 3")
        XCTAssertFalse(CPUKernelChoice.splitsAVX512(cpuinfo: info("AuthenticAMD", 26, "fpu avx2 fma avx512f")), "Zen 5")
        XCTAssertFalse(CPUKernelChoice.splitsAVX512(cpuinfo: info("GenuineIntel", 6, "fpu avx2 fma avx512f")))
        XCTAssertFalse(CPUKernelChoice.splitsAVX512(cpuinfo: "garbage"))
        XCTAssertFalse(CPUKernelChoice.splitsAVX512(cpuinfo: nil))
    }

    /// Zen and Zen+ only: AMD family 23 below model 0x30 (Zen 2 is family 23 from model 0x30).
    func testRecognisesZen1() {
        func info(_ vendor: String, _ family: Int, _ model: Int, _ flags: String = "fpu avx2 fma") -> String {
            "processor\t: 0\nvendor_id\t: \(vendor)\ncpu family\t: \(family)\nmodel\t\t: \(model)\nmodel name\t: AMD EPYC 7601\nflags\t\t: \(flags)\n"
        }
        XCTAssertTrue(CPUKernelChoice.splitsAVX2(cpuinfo: info("AuthenticAMD", 23, 1)), "EPYC 7001")
        XCTAssertTrue(CPUKernelChoice.splitsAVX2(cpuinfo: info("AuthenticAMD", 23, 8)), "Zen+")
        XCTAssertFalse(CPUKernelChoice.splitsAVX2(cpuinfo: info("AuthenticAMD", 23, 0x31)), "Zen 2")
        XCTAssertFalse(CPUKernelChoice.splitsAVX2(cpuinfo: info("AuthenticAMD", 25, 1)), "Zen 3")
        XCTAssertFalse(CPUKernelChoice.splitsAVX2(cpuinfo: info("GenuineIntel", 23, 1)))
        XCTAssertFalse(CPUKernelChoice.splitsAVX2(cpuinfo: info("AuthenticAMD", 23, 1, "fpu sse2")), "no AVX2")
        // The model line is read by its whole name: a model name alone is no model.
        XCTAssertFalse(CPUKernelChoice.splitsAVX2(cpuinfo: "vendor_id\t: AuthenticAMD\ncpu family\t: 23\nmodel name\t: 1\nflags\t\t: avx2\n"))
        XCTAssertFalse(CPUKernelChoice.splitsAVX2(cpuinfo: "garbage"))
        XCTAssertFalse(CPUKernelChoice.splitsAVX2(cpuinfo: nil))
    }

    /// The choices read the first processor's block only; the rest of the file is cut off once.
    func testKeepsTheFirstProcessorsBlock() {
        let first = "processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\nflags\t\t: fpu avx2 avx512f"
        let text = first + "\n\nprocessor\t: 1\nvendor_id\t: GenuineIntel\nflags\t\t: fpu\n\n"
        XCTAssertEqual(CPUKernelChoice.firstProcessor(text), first)
        XCTAssertEqual(CPUKernelChoice.firstProcessor(first), first, "one block, no blank line")
        XCTAssertEqual(CPUKernelChoice.cpuFlags(cpuinfo: CPUKernelChoice.firstProcessor(text)), ["fpu", "avx2", "avx512f"])
        XCTAssertTrue(CPUKernelChoice.splitsAVX512(cpuinfo: CPUKernelChoice.firstProcessor(text)))
        XCTAssertEqual(CPUKernelChoice.firstProcessor(""), "")
    }

    func testReadsFlagsLine() {
        let info = "processor\t: 0\nflags\t\t: fpu sse2 avx2 fma\nbugs\t: none\n"
        XCTAssertEqual(CPUKernelChoice.cpuFlags(cpuinfo: info), ["fpu", "sse2", "avx2", "fma"])
    }
}
