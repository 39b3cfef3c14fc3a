import Foundation
import RecurTestSupport
import XCTest
@testable import RecurKit

/// Loading run-time plugins: the test plugin (Tests/PluginFixture) links the RecurKit product as
/// an out-of-tree plugin does, so these tests fail if a second copy of RecurKit appears.
final class PluginLoaderTests: XCTestCase {
    func testPluginRegistersIntoTheSharedRegistry() throws {
        let folder = try BuildProducts.pluginCopies(["libRecurTestPlugin.so"])
        let file = folder.appendingPathComponent("libRecurTestPlugin.so").path
        let cells = builtinCells()
        let report = PluginLoader(cells: cells, tasks: Registry(kind: "task")).load(file)
        XCTAssertNil(report.problem, report.line)
        XCTAssertEqual(report.cells, ["fixture-rnn"])
        XCTAssertEqual(try cells.lookup("fixture-rnn").origin, file)
        XCTAssertEqual(cells.names, (builtinCellNames + ["fixture-rnn"]).sorted())

        // The plugin's view of the process-wide registry is the host's object: one libRecurKit.so.
        let handle = try XCTUnwrap(dlopen(file, RTLD_NOW | RTLD_LOCAL))
        let symbol = try XCTUnwrap(dlsym(handle, "recur_test_registry_address"))
        let address = unsafeBitCast(symbol, to: (@convention(c) () -> UnsafeMutableRawPointer).self)()
        XCTAssertEqual(address, Unmanaged.passUnretained(Registries.cells).toOpaque(),
                       "the plugin sees another cell registry: RecurKit is linked twice")

        // Its cell works like a built-in one (made through the host's registry).
        var rng = RandomGenerator(seed: 1)
        let cell = try cells.lookup("fixture-rnn").make(CellConfig(inputSize: 3, hiddenSize: 4), &rng)
        XCTAssertEqual(cell.step(Variable(Tensor(zeros: [2, 3])), state: cell.zeroState(batch: 2)).output.value.shape, [2, 4])
    }

    func testEachFailureIsOneLineAndRegistersNothing() throws {
        let folder = try BuildProducts.pluginCopies(["libapi.so", "libclash.so", "libfail.so", "libnothing.so"])
        try Data("not a library".utf8).write(to: folder.appendingPathComponent("libjunk.so"))
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("libnoentry.so").path,
                                                   withDestinationPath: try BuildProducts.libcPath())
        let cells = builtinCells()
        let loader = PluginLoader(cells: cells, tasks: Registry(kind: "task"))
        let path = { (name: String) in folder.appendingPathComponent(name).path }
        let lines = Dictionary(uniqueKeysWithValues: ["libapi.so", "libclash.so", "libfail.so", "libnothing.so", "libnoentry.so"].map {
            ($0, loader.load(path($0)).line)
        })
        XCTAssertEqual(lines["libapi.so"], "plugin \(path("libapi.so")): built against plugin API \(PluginAPI.version + 1), "
                       + "this recur has \(PluginAPI.version); rebuild it from this Recur's source (`recur plugin build`)")
        XCTAssertEqual(lines["libclash.so"], "plugin \(path("libclash.so")): its cell 'lstm' clashes with the cell of that name from built-in; rename it")
        XCTAssertEqual(lines["libfail.so"], "plugin \(path("libfail.so")): registration failed: the fixture refuses on purpose")
        XCTAssertEqual(lines["libnothing.so"], "plugin \(path("libnothing.so")): its entry point registered nothing")
        XCTAssertEqual(lines["libnoentry.so"], "plugin \(path("libnoentry.so")): no entry point `recur_plugin_register`; "
                       + "a plugin exports it with @_cdecl(\"recur_plugin_register\")")
        let junk = loader.load(path("libjunk.so")).line
        XCTAssertTrue(junk.hasPrefix("plugin \(path("libjunk.so")): cannot be loaded: "), junk)
        XCTAssertFalse(junk.contains("\n"))
        XCTAssertEqual(cells.names, builtinCellNames)
        XCTAssertEqual(try cells.lookup("lstm").origin, "built-in")
    }

    func testRegisteringABatchIsAllOrNothing() throws {
        let cells = builtinCells()
        let fresh = CellDescriptor(name: "fresh", summary: "", version: "1") { _, _ in fatalError() }
        var clash = fresh
        clash.origin = "elsewhere"
        XCTAssertThrowsError(try cells.register(contentsOf: [fresh, clash]))
        XCTAssertThrowsError(try cells.register(contentsOf: [fresh, try cells.lookup("gru")]))
        XCTAssertEqual(cells.names, builtinCellNames)
    }
}
