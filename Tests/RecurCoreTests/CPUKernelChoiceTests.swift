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
