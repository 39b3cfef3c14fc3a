import Foundation
import RecurCore

/// Reads the reference values that `scripts/golden.py` (an independent NumPy implementation)
/// wrote into `Tests/Golden/`, so the tests need no Python.
public enum Golden {
    public static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Golden")

    public static func load(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: directory.appendingPathComponent("\(name).json"))
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    /// `{"shape": [...], "data": [...]}` → Tensor.
    public static func tensor(_ any: Any?) -> Tensor {
        let object = any as! [String: Any]
        let shape = (object["shape"] as! [NSNumber]).map(\.intValue)
        let data = (object["data"] as! [NSNumber]).map(\.floatValue)
        return Tensor(shape: shape, scalars: data)
    }

    public static func floats(_ any: Any?) -> [Float] { (any as! [NSNumber]).map(\.floatValue) }
}

/// Where `../shared/data` is, when present beside the checkout.
public enum SharedData {
    public static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/data")

    public static func file(_ relative: String) -> URL? {
        let url = directory.appendingPathComponent(relative)
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }
}
