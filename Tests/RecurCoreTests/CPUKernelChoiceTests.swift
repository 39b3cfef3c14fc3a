import XCTest
@testable import RecurCore

final class CPUKernelChoiceTests: XCTestCase {
    func testNeverChoosesKernelsTheCPUCannotRun() {
        XCTAssertNil(CPUKernelChoice.coreType(cpuFlags: ["sse2", "sse3"]))
        XCTAssertEqual(CPUKernelChoice.coreType(cpuFlags: ["avx2", "fma", "avx512f"]), "Haswell")
        XCTAssertEqual(CPUKernelChoice.coreType(cpuFlags: ["avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd"]), "SkylakeX")
    }

    func testReadsFlagsLine() {
        let info = "processor\t: 0\nflags\t\t: fpu sse2 avx2 fma\nbugs\t: none\n"
        XCTAssertEqual(CPUKernelChoice.cpuFlags(cpuinfo: info), ["fpu", "sse2", "avx2", "fma"])
    }
}
