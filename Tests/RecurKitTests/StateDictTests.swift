import Foundation
import RecurKit
import RecurTestSupport
import XCTest

/// Reading a stranger's PyTorch state dict: refusals (pickle, non-finite values), the stack read
/// off names and shapes, and the full list of what does not fit a model.
final class StateDictTests: XCTestCase {
    /// The names and shapes `nn.LSTM(5, 3, num_layers=2, bidirectional=True)` saves under `rnn`.
    func lstmStateDict(input: Int = 5, hidden: Int = 3, gates: Int = 4, layers: Int = 2, bidirectional: Bool = true) -> [String: Tensor] {
        var tensors: [String: Tensor] = [:]
        for layer in 0..<layers {
            for suffix in bidirectional ? ["", "_reverse"] : [""] {
                let width = layer == 0 ? input : hidden * (bidirectional ? 2 : 1)
                tensors["rnn.weight_ih_l\(layer)\(suffix)"] = Tensor(shape: [gates * hidden, width], repeating: 0.1)
                tensors["rnn.weight_hh_l\(layer)\(suffix)"] = Tensor(shape: [gates * hidden, hidden], repeating: 0.1)
                tensors["rnn.bias_ih_l\(layer)\(suffix)"] = Tensor(shape: [gates * hidden], repeating: 0)
                tensors["rnn.bias_hh_l\(layer)\(suffix)"] = Tensor(shape: [gates * hidden], repeating: 0)
            }
        }
        return tensors
    }

    func testTheStackIsReadOffNamesAndShapes() throws {
        XCTAssertEqual(try StackShape.infer(lstmStateDict(), prefix: "rnn"),
                       StackShape(cell: "lstm", gates: 4, hiddenSize: 3, layers: 2, bidirectional: true, inputSize: 5))
        XCTAssertEqual(try StackShape.infer(lstmStateDict(gates: 3, layers: 1, bidirectional: false), prefix: "rnn")?.cell, "gru")
        XCTAssertEqual(try StackShape.infer(lstmStateDict(gates: 1, layers: 3, bidirectional: false), prefix: "rnn")?.layers, 3)
        XCTAssertNil(try StackShape.infer(lstmStateDict(gates: 2), prefix: "rnn")?.cell, "2 gates is no built-in cell")
        XCTAssertNil(try StackShape.infer(lstmStateDict(), prefix: "encoder.rnn"), "no stack under that prefix")
    }

    func testAGapInTheLayersIsListed() {
        var tensors = lstmStateDict(layers: 3, bidirectional: false)
        tensors["rnn.weight_ih_l1"] = nil
        tensors["rnn.weight_hh_l1"] = nil
        XCTAssertThrowsMessage(try StackShape.infer(tensors, prefix: "rnn"),
                               ["rnn.weight_ih_l1 is missing", "rnn.weight_hh_l1 is missing", "layers 0…2"])
        var oneSided = lstmStateDict(layers: 2, bidirectional: true)
        oneSided["rnn.weight_hh_l1_reverse"] = nil
        XCTAssertThrowsMessage(try StackShape.infer(oneSided, prefix: "rnn"), ["rnn.weight_hh_l1_reverse is missing"])
    }

    /// A hostile file naming layer 9999 alone gets a short message, not 20,000 lines.
    func testAFarLayerIndexGivesABoundedMessage() {
        var tensors = lstmStateDict(layers: 1, bidirectional: false)
        tensors["rnn.weight_ih_l9999"] = Tensor(shape: [1], repeating: 0)
        do { _ = try StackShape.infer(tensors, prefix: "rnn"); XCTFail("accepted") } catch {
            XCTAssertLessThan("\(error)".count, 1500, "\(error)")
            XCTAssertTrue("\(error)".contains("more"), "\(error)")
        }
    }

    func testEverythingThatDoesNotFitIsListedAtOnce() throws {
        let model = Linear(inputSize: 3, outputSize: 2, rng: &rng)
        let values = ["decoder.weight": Tensor(shape: [2, 4], repeating: 1), "decoder.extra": Tensor(shape: [1], repeating: 0)]
        let match = StateDictMatch(values, parameters: model.namedParameters(prefix: "decoder"))
        XCTAssertEqual(match.missing.map(\.name), ["decoder.bias"])
        XCTAssertEqual(match.unexpected.map(\.name), ["decoder.extra"])
        XCTAssertEqual(match.conflicts, [.init(name: "decoder.weight", expected: [2, 3], found: [2, 4])])
        XCTAssertThrowsMessage(try StateDictMatch.assign(values, to: model.namedParameters(prefix: "decoder"), source: "w.safetensors"),
                               ["w.safetensors does not fit", "missing from the file: decoder.bias [2]",
                                "not in the model: decoder.extra [1]", "decoder.weight is [2, 4] in the file, [2, 3] in the model"])
        XCTAssertEqual(model.weight.value.scalars.filter { $0 == 1 }.count, 0, "nothing is assigned when anything does not fit")
    }

    func testPickleAndTorchSaveFilesAreRefusedWithTheConversionLine() {
        let zip = Data([0x50, 0x4B, 0x03, 0x04, 0, 0, 0, 0, 0, 0])
        XCTAssertThrowsMessage(try StateDictFile.decode(zip, source: "model.pt"),
                               ["model.pt is a torch.save archive", "never reads pickle", "python3 -c", "weights_only=True", "'model.safetensors'"])
        // Protocol-2 pickle, whatever the file is called: the bytes decide.
        let pickle = Data([0x80, 0x02, 0x8A, 0x0A] + [UInt8](repeating: 0, count: 12))
        XCTAssertThrowsMessage(try StateDictFile.decode(pickle, source: "weights.safetensors"), ["weights.safetensors is a pickle file"])
    }

    func testNonFiniteValuesAreRefusedByName() throws {
        let data = try SafeTensors.encode(["rnn.weight_hh_l0": Tensor(shape: [2], scalars: [0, .nan])])
        XCTAssertThrowsMessage(try StateDictFile.decode(data, source: "w.safetensors"),
                               ["tensor 'rnn.weight_hh_l0' holds a non-finite value", "index 1"])
    }

    func testDataParallelPrefixIsDropped() throws {
        let data = try SafeTensors.encode(["module.rnn.weight_hh_l0": Tensor(shape: [1], scalars: [1])])
        XCTAssertEqual(Array(try StateDictFile.decode(data, source: "w").keys), ["rnn.weight_hh_l0"])
    }

    private var rng = RandomGenerator(seed: 1)
}
