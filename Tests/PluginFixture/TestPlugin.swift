import Foundation
import RecurKit

// A run-time plugin for the tests, built as the `RecurTestPlugin` dynamic product and linked to
// the RecurKit *product* exactly as an out-of-tree plugin is. The tests copy the library under
// other names to make it misbehave: the file name picks the behaviour, so one build covers every
// error line (libclash.so, libfail.so, libapi.so, libnothing.so; any other name registers normally).

@_cdecl("recur_plugin_register")
public func recurPluginRegister(_ hostAPI: Int32) -> Int32 {
    switch ownFileName() {
    case "libapi.so":
        return PluginAPI.version + 1                                    // as if built from other source
    case "libclash.so":
        return PluginAPI.register(hostAPI: hostAPI) { try $0.register(fixtureCell(named: "lstm")) }
    case "libfail.so":
        return PluginAPI.register(hostAPI: hostAPI) { _ in throw FixtureError() }
    case "libnothing.so":
        return PluginAPI.register(hostAPI: hostAPI) { _ in }
    default:
        return PluginAPI.register(hostAPI: hostAPI) { try $0.register(fixtureCell(named: "fixture-rnn")) }
    }
}

/// The address of the cell registry as this library sees it; the tests compare it with the
/// host's, which is the whole point of linking one shared libRecurKit.so.
@_cdecl("recur_test_registry_address")
public func recurTestRegistryAddress() -> UnsafeMutableRawPointer {
    Unmanaged.passUnretained(Registries.cells).toOpaque()
}

struct FixtureError: Error, CustomStringConvertible {
    var description: String { "the fixture refuses on purpose" }
}

/// A tanh RNN cell (the same step as the scaffold's), under any name.
func fixtureCell(named name: String) -> CellDescriptor {
    CellDescriptor(name: name, summary: "test plugin cell", version: "0.0.1") { config, rng in
        try FixtureCell(config, rng: &rng)
    }
}

final class FixtureCell: Cell {
    let weights: GatedWeights
    init(_ config: CellConfig, rng: inout RandomGenerator) throws {
        weights = GatedWeights(gates: 1, inputSize: config.inputSize, hiddenSize: config.hiddenSize, rng: &rng)
    }
    var inputSize: Int { weights.weightIH.shape[1] }
    var hiddenSize: Int { weights.weightHH.shape[1] }
    var stateSizes: [Int] { [hiddenSize] }
    var namedParameters: [NamedParameter] { weights.named }
    func step(_ x: Variable, state: [Variable]) -> (output: Variable, state: [Variable]) {
        let h = (weights.inputProjection(x) + weights.hiddenProjection(state[0])).tanh()
        return (h, [h])
    }
}

/// This library's own file name: the mapping in /proc/self/maps that holds its entry point
/// (Glibc's `dladdr` is not visible to Swift without _GNU_SOURCE).
func ownFileName() -> String {
    let entry: @convention(c) (Int32) -> Int32 = recurPluginRegister
    let address = UInt(bitPattern: unsafeBitCast(entry, to: UnsafeRawPointer.self))
    let maps = String(decoding: FileHandle(forReadingAtPath: "/proc/self/maps")?.readDataToEndOfFile() ?? Data(), as: UTF8.self)
    for line in maps.split(separator: "\n") {
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        let range = fields[0].split(separator: "-").compactMap { UInt($0, radix: 16) }
        if range.count == 2, range[0] <= address, address < range[1], let path = fields.last {
            return URL(fileURLWithPath: String(path)).lastPathComponent
        }
    }
    return ""
}
